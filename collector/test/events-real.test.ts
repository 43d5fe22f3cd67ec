// Kernel events recorded beside real tick runs on this machine (root, tracefs, RT throttling on):
// run under the bench lock, like every test of the real sampler.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { readEvents, readSteal } from "../../lib/format/events-reader";
import { manifestSchema, type ManifestRun } from "../../lib/format/manifest";
import { removeStaleInstances, TRACEFS } from "../src/events/tracefs";
import { CLI, collectTick, ensureSampler, readTable, run, tempDir } from "./helpers";

const INSTANCES = join(TRACEFS, "instances");
const ours = () =>
  existsSync(INSTANCES) ? readdirSync(INSTANCES).filter((n) => n.startsWith("tickscope-")) : [];

let host: { hz: number; sched_rt_runtime_us: number; sched_rt_period_us: number };
beforeAll(() => {
  host = JSON.parse(execFileSync(ensureSampler(), ["fingerprint"], { encoding: "utf8" }));
});
// An instance a collector killed by an earlier test left behind would be removed by the next collect, and
// a test comparing the instances before and after its run would see that, not its own leftovers.
beforeEach(() => void removeStaleInstances());

function manifestRun(out: string): ManifestRun {
  return manifestSchema.parse(JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"))).runs[0];
}

describe.sequential("kernel events of a tick run", () => {
  it("a 5 s run records local_timer at CONFIG_HZ, RT throttling once a second, steal per second; no instance left", async () => {
    expect(process.getuid?.(), "these tests need root").toBe(0);
    const before = ours();
    const { out, done } = await collectTick(["--duration", "5s"]);
    expect(done.code, done.stderr).toBe(0);
    expect(done.stderr).toMatch(/kernel events: [\d,]+ intervals .*clock x86-tsc/);
    expect(ours()).toEqual(before);

    const entry = manifestRun(out);
    expect(entry).toMatchObject({ events: "runs/tick.events.arrow", steal: "runs/tick.steal.arrow" });
    const events = await readEvents(readFileSync(join(out, entry.events!)), entry.events!);
    expect(events.meta).toMatchObject({ clock: "x86-tsc", cpu: entry.cpu, source: "tracefs" });
    expect(Number.isInteger(events.meta.lost_events)).toBe(true);
    expect(events.meta.lost_events, "lost events on a 5 s run").toBe(0);
    expect(new Set(events.cpu)).toEqual(new Set([entry.cpu]));

    const samples = readTable(join(out, entry.file));
    const ts = samples.getChild("ts_ns")!.toArray() as BigInt64Array;
    const duration = samples.getChild("duration_ns")!.toArray() as Uint32Array;
    const runNs = Number(ts[ts.length - 1]) + duration[duration.length - 1];

    // The clock tick: local_timer at CONFIG_HZ on the measured CPU, within the run.
    const ticks = events.kind.filter(
      (k, i) => k === "tick" && events.name[i] === "local_timer" && events.ts[i] < runNs,
    );
    const rate = ticks.length / (runNs / 1e9);
    expect(rate).toBeGreaterThan(host.hz * 0.9);
    expect(rate).toBeLessThan(host.hz * 1.1);

    // RT throttling: about (period - runtime) of each period, as one stall or, when the fair server (Linux
    // 6.12+) hands the CPU to waiting normal tasks earlier, in pieces. Each piece stalls one sample.
    expect(host.sched_rt_runtime_us).toBeGreaterThan(0);
    const periodNs = host.sched_rt_period_us * 1e3;
    const gapNs = (host.sched_rt_period_us - host.sched_rt_runtime_us) * 1e3;
    // Within the samples: a stall that ends before the first sample (while the sampler calibrates) stalls none.
    const firstNs = Number(ts[0]);
    const throttles = events.kind.flatMap((k, i) =>
      k === "throttle" && events.end[i] > firstNs && events.end[i] <= runNs ? [i] : [],
    );
    // One time base: each throttle interval lies inside the sample it interrupted, from the switch away
    // to the sampler's return (its rseq_update where the switch back out of idle is not traced).
    let s = 0;
    const sampleOf = throttles.map((i) => {
      while (s + 1 < ts.length && Number(ts[s + 1]) <= events.ts[i]) s++;
      return events.ts[i] >= Number(ts[s]) && events.end[i] <= Number(ts[s]) + duration[s] ? s : -1;
    });
    // And every sample stalled 1 ms or more holds the throttling that stalled it.
    const baseline = Math.min(...duration.subarray(0, 1000));
    const stalled = new Map<number, number>();
    for (let k = 0; k < duration.length; k++) if (duration[k] - baseline >= 1e6) stalled.set(k, 0);
    throttles.forEach((i, n) => {
      const k = sampleOf[n];
      if (stalled.has(k)) stalled.set(k, stalled.get(k)! + events.end[i] - events.ts[i]);
    });
    let lost = 0;
    let covered = 0;
    for (const [k, ns] of stalled) {
      lost += duration[k] - baseline;
      covered += Math.min(ns, duration[k] - baseline);
    }
    const total = throttles.reduce((sum, i) => sum + events.end[i] - events.ts[i], 0);
    const periods = runNs / periodNs;
    console.log(
      `throttle: ${throttles.length} intervals, ${sampleOf.filter((k) => k >= 0).length} inside their sample; ` +
        `${(total / periods / 1e6).toFixed(1)} ms a period of the ${gapNs / 1e6} ms throttled; ` +
        `${stalled.size} samples stalled >= 1 ms, ${(lost / 1e6).toFixed(1)} ms, ${((100 * covered) / lost).toFixed(2)}% of it in their throttle intervals`,
    );
    const outside = throttles.flatMap((i, n) => {
      if (sampleOf[n] >= 0) return [];
      const k = Math.max(
        0,
        ts.findLastIndex((t) => Number(t) <= events.ts[i]),
      );
      const around = [k - 1, k, k + 1].filter((j) => j >= 0 && j < ts.length);
      return [
        `[${events.ts[i]}, ${events.end[i]}) ns; samples ${around.map((j) => `#${j} [${ts[j]}, +${duration[j]})`).join(" ")}`,
      ];
    });
    expect(outside, "throttle intervals outside the sample they interrupted").toEqual([]);
    expect(covered / lost).toBeGreaterThanOrEqual(0.95);
    expect(total).toBeGreaterThanOrEqual(0.5 * gapNs * Math.floor(periods));
    expect(total).toBeLessThanOrEqual(1.2 * gapNs * Math.ceil(periods));
    const seconds = new Set(throttles.map((i) => Math.floor(events.ts[i] / periodNs)));
    expect(seconds.size).toBeGreaterThanOrEqual(Math.floor(periods) - 1);

    const steal = await readSteal(readFileSync(join(out, entry.steal!)), entry.steal!);
    expect(Array.from(steal.second)).toEqual(Array.from({ length: steal.second.length }, (_, i) => i));
    expect(steal.second.length).toBeGreaterThanOrEqual(Math.floor(runNs / 1e9));
  });

  it("SIGINT to the CLI mid-run removes the instance and still writes the run with its events", async () => {
    const before = ours();
    const dir = tempDir();
    const out = join(dir, "bundle");
    const child = run(process.execPath, [CLI, "collect", "tick", "--duration", "60s", "-o", out], {
      killAfterMs: 60_000,
    });
    for (let i = 0; i < 400 && ours().length === before.length; i++)
      await new Promise((r) => setTimeout(r, 25));
    expect(ours().length, "the run's instance appears").toBe(before.length + 1);
    await new Promise((r) => setTimeout(r, 2000));
    const { spawnSync } = await import("node:child_process");
    const pid = spawnSync("pgrep", ["-f", `tickscope.mjs collect tick --duration 60s -o ${out}`], {
      encoding: "utf8",
    })
      .stdout.trim()
      .split("\n")[0];
    process.kill(Number(pid), "SIGINT");
    const done = await child;
    expect(done.code, done.stderr).toBe(0);
    expect(ours()).toEqual(before);
    const entry = manifestRun(out);
    expect(entry.stopped).toBe("SIGINT");
    const events = await readEvents(readFileSync(join(out, entry.events!)), entry.events!);
    expect(events.kind.filter((k) => k === "tick").length).toBeGreaterThan(host.hz);
  });

  it("removes an instance a killed collector left behind (no live process of its pid)", async () => {
    let pid = 4_000_000;
    while (existsSync(`/proc/${pid}`)) pid++;
    const stale = join(INSTANCES, `tickscope-${pid}`);
    mkdirSync(stale);
    try {
      const { done } = await collectTick(["--duration", "1s"]);
      expect(done.code, done.stderr).toBe(0);
      expect(done.stderr).toContain(
        `removed the tracefs instance tickscope-${pid}, left by a collector that was killed`,
      );
      expect(existsSync(stale)).toBe(false);
    } finally {
      if (existsSync(stale)) rmdirSync(stale);
    }
  });

  it("not root: says why events are not recorded and takes the run anyway", async () => {
    const dir = tempDir();
    const out = join(dir, "bundle");
    // Not root as the collector sees it: a user namespace in which root is not mapped (getuid() is 65534, no
    // capability outside it, so no SCHED_FIFO), while files are still opened with root's ids: it runs from
    // any checkout, one others cannot read too (a clone in a mktemp -d folder).
    const done = await run("unshare", [
      "--user",
      "env",
      "HOME=/tmp",
      process.execPath,
      CLI,
      "collect",
      "tick",
      "--samples",
      "20000",
      "--allow-unprivileged",
      "--no-progress",
      "-o",
      out,
    ]);
    expect(done.code, done.stderr).toBe(0);
    expect(done.stderr).toMatch(
      /kernel events not recorded: not running as root \(the runs go ahead without them/,
    );
    expect(manifestRun(out)).toMatchObject({ samples: 20000 });
    expect(manifestRun(out).events).toBeUndefined();
  });

  it("--no-events records none and makes no instance", async () => {
    const before = ours();
    const { out, done } = await collectTick(["--duration", "1s", "--no-events"]);
    expect(done.code, done.stderr).toBe(0);
    expect(done.stderr).not.toMatch(/kernel events/);
    expect(manifestRun(out).events).toBeUndefined();
    expect(readdirSync(join(out, "runs")).sort()).toEqual(["tick.arrow", "tick.summary"]);
    expect(ours()).toEqual(before);
  });
});
