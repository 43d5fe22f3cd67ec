// Streamed capture (the default) on this machine, for real: bounded memory, every sample written, and what a
// crash or a full disk leaves behind. Run under the bench lock (npx vitest run --project sampler).
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, rmSync, statfsSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { RecordBatchReader } from "apache-arrow";
import { beforeAll, describe, expect, it } from "vitest";
import { openFileSource } from "../../lib/format/node-source";
import { openRun } from "../../lib/format/run-reader";
import analyze from "../src/commands/analyze";
import { type Finished, REPO, ensureSampler, run, tempDir } from "./helpers";
import { watchTreeMemory } from "./process-tree";

const CLI = join(REPO, "collector", "bin", "tickscope.mjs");

let sampler: string;
beforeAll(() => {
  sampler = ensureSampler();
});

/** The sampler under GNU time: its result line and its peak resident set. */
async function timed(args: string[], options: Parameters<typeof run>[2] = {}) {
  const done = await run("/usr/bin/time", ["-f", "maxrss_kb=%M", sampler, ...args], options);
  const rss = Number(/maxrss_kb=(\d+)/.exec(done.stderr)?.[1] ?? NaN) * 1024;
  const last = done.stdout.trim().split("\n").at(-1) ?? "";
  const result = last.startsWith('{"result"') ? JSON.parse(last).result : null;
  return { ...done, rss, result };
}

/** Every sample, read by apache-arrow's own reader (not lib/format's), checked as it goes. */
function readEverySample(path: string): { rows: number; batches: number; lastTs: bigint } {
  let rows = 0;
  let batches = 0;
  let lastTs = -1n;
  for (const batch of RecordBatchReader.from(readFileSync(path))) {
    const ts = batch.getChild("ts_ns")!.toArray() as BigInt64Array;
    const duration = batch.getChild("duration_ns")!.toArray() as Uint32Array;
    for (let i = 0; i < ts.length; i++) {
      if (ts[i] < lastTs) throw new Error(`ts_ns decreases at row ${rows + i}`);
      if (duration[i] === 0) throw new Error(`duration_ns is 0 at row ${rows + i}`);
      lastTs = ts[i];
    }
    rows += ts.length;
    batches++;
  }
  return { rows, batches, lastTs };
}

/** `tickscope collect` as a user runs it (the launcher, the CLI under tsx's loader, the sampler), its process tree's peak sampled every 50 ms. */
async function collectPeaks(args: string[]) {
  const child = spawn(process.execPath, [CLI, "collect", ...args], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
  const watch = watchTreeMemory(child.pid!);
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  const peak = watch.stop();
  return { code, stderr, ...peak };
}

/**
 * Where strace saw each thread start, and its id: `clone3(…CLONE_THREAD…) = tid` on one line, or split in
 * two when another thread's line came between (`clone3(… <unfinished ...>`, then `<... clone3 resumed> … = tid`).
 */
function threadStarts(lines: string[]): { line: number; tid: string }[] {
  const starts: { line: number; tid: string }[] = [];
  const unfinished = new Set<string>();
  lines.forEach((l, line) => {
    const call = /^(\d+) +clone3?\(.*CLONE_THREAD/.exec(l);
    if (call) {
      const tid = /= (\d+)$/.exec(l)?.[1];
      if (tid) starts.push({ line, tid });
      else unfinished.add(call[1]);
      return;
    }
    const resumed = /^(\d+) +<\.\.\. clone3? resumed>.* = (\d+)$/.exec(l);
    if (resumed && unfinished.delete(resumed[1])) starts.push({ line, tid: resumed[2] });
  });
  return starts;
}

/**
 * Both measures of the counter's rate in a run's metadata: before the run and over it, close to each other,
 * `tsc_hz` being the one named by `tsc_hz_converted`.
 */
function expectCounterRates(metadata: Record<string, unknown>, converted: "before-run" | "whole-run") {
  const { tsc_hz, tsc_hz_before_run, tsc_hz_run, tsc_hz_drift_ppm } = metadata as Record<string, number>;
  expect(metadata.tsc_hz_converted).toBe(converted);
  expect(tsc_hz).toBe(converted === "before-run" ? tsc_hz_before_run : tsc_hz_run);
  expect(tsc_hz_run).toBeGreaterThan(1e8);
  expect(tsc_hz_drift_ppm).toBeCloseTo((tsc_hz_before_run / tsc_hz_run - 1) * 1e6, 3);
  // A 20 ms measure against CLOCK_MONOTONIC_RAW on this VM: within 100 ppm of the whole run's.
  expect(Math.abs(tsc_hz_drift_ppm)).toBeLessThan(100);
  console.log(
    `tsc_hz before the run ${tsc_hz_before_run}, over it ${tsc_hz_run}: ${tsc_hz_drift_ppm.toFixed(2)} ppm`,
  );
}

interface StreamProgress {
  samples: number;
  elapsed_s: number;
  written: number;
  behind: number;
  writer_busy_ms: number;
}

function progressLines(stdout: string): StreamProgress[] {
  return stdout
    .split("\n")
    .filter((l) => l.startsWith('{"progress"'))
    .map((l) => JSON.parse(l).progress);
}

/** Progress lines came every 250 ms: none more than `seconds` after the one before, by the sampler's clock. */
function expectNoGap(progress: StreamProgress[], seconds: number) {
  expect(progress.length).toBeGreaterThan(4);
  const gaps = progress.slice(1).map((p, i) => p.elapsed_s - progress[i].elapsed_s);
  expect(Math.max(...gaps), `progress at ${progress.map((p) => p.elapsed_s).join(", ")} s`).toBeLessThan(
    seconds,
  );
}

/**
 * A small ext4 on a loop device, mounted for `fn`; with `writeBps`, a blkio cgroup throttles its writes to that
 * rate for the processes `enter` (a shell command) puts in it.
 */
async function onLoopDisk(writeBps: number | null, fn: (mount: string, enter: string) => Promise<void>) {
  const dir = tempDir();
  const image = join(dir, "disk.img");
  const mount = join(dir, "disk");
  const cgroup = `/sys/fs/cgroup/blkio/tickscope-slow-${process.pid}`;
  mkdirSync(mount);
  writeFileSync(image, "");
  execFileSync("truncate", ["-s", "300M", image]);
  const loop = execFileSync("losetup", ["-f", "--show", image], { encoding: "utf8" }).trim();
  try {
    execFileSync("mkfs.ext4", ["-q", loop]);
    execFileSync("mount", [loop, mount]);
    if (writeBps !== null) {
      mkdirSync(cgroup);
      const device = execFileSync("lsblk", ["-dno", "MAJ:MIN", loop], { encoding: "utf8" }).trim();
      writeFileSync(join(cgroup, "blkio.throttle.write_bps_device"), `${device} ${writeBps}`);
    }
    await fn(mount, `echo $$ > ${cgroup}/cgroup.procs`);
  } finally {
    spawnSync("fsfreeze", ["-u", mount]); // thawed whatever happened (a frozen disk cannot be unmounted)
    spawnSync("umount", [mount]);
    spawnSync("losetup", ["-d", loop]);
    if (writeBps !== null) spawnSync("rmdir", [cgroup]);
  }
}

/** The sampler with the disk at `mount` frozen (fsfreeze: every write waits) from `afterMs` after its first progress line, for `forMs`. */
function runStalled(args: string[], mount: string, afterMs: number, forMs: number): Promise<Finished> {
  return new Promise((resolve) => {
    const child = spawn(sampler, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const timers: NodeJS.Timeout[] = [];
    child.stdout.setEncoding("utf8").on("data", (c: string) => {
      stdout += c;
      if (!timers.length && stdout.includes('"progress"'))
        timers.push(
          setTimeout(() => execFileSync("fsfreeze", ["-f", mount]), afterMs),
          setTimeout(() => execFileSync("fsfreeze", ["-u", mount]), afterMs + forMs),
        );
    });
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    child.on("close", (code, signal) => {
      timers.forEach(clearTimeout);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** A tick run of the sampler under `strace -f` with `flags`, written to a file of its own: its exit, strace's lines, the file. */
async function straceSampler(flags: string[], args: string[]) {
  const dir = tempDir();
  const log = join(dir, "strace.txt");
  const out = join(dir, "run.arrow");
  const done = await run("strace", ["-f", ...flags, "-o", log, sampler, "tick", ...args, "-o", out]);
  expect(done.code, done.stderr).toBe(0);
  return { done, lines: readFileSync(log, "utf8").split("\n"), out };
}

describe.sequential("streamed capture", () => {
  it("collect at --loop-us 1: the whole process tree peaks for a 20 s run within 16 MB of its peak for 5 s (either way), the sampler under 64 MB, the summary kept as the run went", async () => {
    const dir = tempDir();
    const args = (seconds: number, out: string) => [
      "tick",
      "--loop-us",
      "1",
      "--duration",
      `${seconds}s`,
      "--no-progress",
      "-o",
      out,
    ];
    // A first, short run, not measured: tsx compiles what its cache lacks in an esbuild process (16 MiB) that
    // stays for the CLI's life, so after a change only the first run's tree would hold it.
    const warm = await collectPeaks(args(1, join(dir, "warm")));
    expect(warm.code, warm.stderr).toBe(0);
    const peaks: Record<number, { tree: number; sampler: number }> = {};
    for (const seconds of [5, 20]) {
      const out = join(dir, `b${seconds}`);
      const done = await collectPeaks(args(seconds, out));
      expect(done.code, done.stderr).toBe(0);
      expect(done.stderr).not.toMatch(/could not follow the run/);
      expect(done.processes).not.toMatch(/esbuild/);
      expect(done.sampler).toBeGreaterThan(0);
      expect(done.sampler).toBeLessThan(64 * 2 ** 20);
      peaks[seconds] = done;
      console.log(
        `collect ${seconds} s at --loop-us 1: process tree peak ${(done.tree / 2 ** 20).toFixed(1)} MiB ${done.atS.toFixed(1)} s after it began (${done.processes}), sampler ${(done.sampler / 2 ** 20).toFixed(1)} MiB; load ${loadavg()[0].toFixed(1)}`,
      );
      rmSync(out, { recursive: true });
    }
    // While measuring, the CLI is flat and its young generation small (the launcher's 1 MiB semi-spaces).
    // Under load the CLI falls behind the sampler and used to peak after the run, as it caught up and
    // finished the summary, with what grew with the run: the periodic-spike search's garbage (~27 MiB per
    // collection for a 20 s run's 62k spikes), the spike list grown by doubling. Now the tree's peak is most
    // often the CLI's start of summary beside the sampler, the same for both. The first 1M samples held back
    // were copied batch by batch into garbage freed at whichever full GC came next (gaps at load 7-12: -12.2,
    // +2.3, +17.2, +10.1, -3.1, +9.6, +1.8 MiB); now they go into one buffer kept until the end: at load
    // 7-12, -1.7, -9.6, +12.8, +9.4, +1.7, +2.3 MiB. The +12.8: the 20 s run peaked at its end (21 s), the
    // CLI's heap at the top of its sawtooth beside the sampler. Later a 20 s run peaked at its end, the CLI at
    // 151 MiB (gap 20.3 MiB): the periodic-spike search kept its lists as number arrays and Sets, +10 MiB of
    // heap for 83k spikes; as Int32Arrays, +4 MiB.
    const gap = peaks[20].tree - peaks[5].tree;
    console.log(`gap 20 s - 5 s: ${(gap / 2 ** 20).toFixed(1)} MiB (at most 16 MB either way)`);
    expect(Math.abs(gap)).toBeLessThanOrEqual(16e6);
  }, 120_000); // three collects (1 s, 5 s, 20 s) with their starts and ends: ~60 s on a loaded machine

  it("--loop-us 1 for 5 s and 20 s: the sampler stays under 64 MB, the same either way; every sample is written", async () => {
    const dir = tempDir();
    const peaks: number[] = [];
    for (const seconds of [5, 20]) {
      const out = join(dir, `${seconds}s.arrow`);
      const done = await timed(["tick", "--loop-us", "1", "--duration", `${seconds}s`, "-o", out]);
      expect(done.code, done.stderr).toBe(0);
      expect(done.result).toMatchObject({ stopped: "duration" });
      expect(done.rss).toBeLessThan(64 * 2 ** 20);
      peaks.push(done.rss);
      const read = readEverySample(out);
      expect(read.rows).toBe(done.result.samples);
      expect(done.result.samples_taken).toBe(done.result.samples); // none lost to the writer
      expect(read.batches).toBeGreaterThan(1);
      expect(Number(read.lastTs) / 1e9).toBeGreaterThan(seconds * 0.95);
      const metadata = JSON.parse(
        (await openRun(readFileSync(out), "run.arrow")).schema.metadata.get("latency:run")!,
      );
      expect(metadata).toMatchObject({
        streamed: true,
        ring_slots: 2 ** 21,
        samples: done.result.samples,
        stopped: "duration",
      });
      expectCounterRates(metadata, "before-run");
      // More samples than the ring holds: it went round, and every sample came through in order.
      expect(done.result.samples).toBeGreaterThan(2 ** 21);
      rmSync(out);
    }
    expect(Math.abs(peaks[1] - peaks[0])).toBeLessThan(16 * 2 ** 20);
  });

  it("--chunk-rows sets the record batch: whole chunks of that many samples, the rest flushed each second", async () => {
    const out = join(tempDir(), "chunks.arrow");
    const done = await timed([
      "tick",
      "--loop-us",
      "1",
      "--duration",
      "2s",
      "--chunk-rows",
      "4096",
      "-o",
      out,
    ]);
    expect(done.code, done.stderr).toBe(0);
    const sizes: number[] = [];
    for (const batch of RecordBatchReader.from(readFileSync(out))) sizes.push(batch.numRows);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(done.result.samples);
    expect(Math.max(...sizes)).toBe(4096);
    // All but the flushes (at most one a second, and the end) are whole chunks.
    expect(sizes.filter((n) => n !== 4096).length).toBeLessThanOrEqual(4);
    const metadata = JSON.parse(
      (await openRun(readFileSync(out), "chunks.arrow")).schema.metadata.get("latency:run")!,
    );
    expect(metadata.chunk_rows).toBe(4096);
  });

  it("the sampler's own file cut at 10 random offsets: read up to its last whole batch, sample for sample, or refused naming the byte", async () => {
    const out = join(tempDir(), "cut.arrow");
    const done = await timed([
      "tick",
      "--loop-us",
      "1",
      "--duration",
      "2s",
      "--chunk-rows",
      "16384",
      "-o",
      out,
    ]);
    expect(done.code, done.stderr).toBe(0);
    const bytes = new Uint8Array(readFileSync(out));
    // The whole file as apache-arrow reads it, batch by batch, and where each batch ends.
    const whole = [...RecordBatchReader.from(bytes)].map((b) => ({
      ts: b.getChild("ts_ns")!.toArray() as BigInt64Array,
      duration: b.getChild("duration_ns")!.toArray() as Uint32Array,
    }));
    const { blocks } = await openRun(bytes, "whole.arrow");
    expect(blocks!.length).toBe(whole.length);
    expect(whole.length).toBeGreaterThan(50);
    const ends = blocks!.map((b) => b.offset + b.metaDataLength + b.bodyLength);
    const schemaEnd = blocks![0].offset;
    let state = 2025;
    const cuts = Array.from({ length: 10 }, () => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return Math.floor((state / 2 ** 32) * bytes.byteLength);
    });
    cuts.push(schemaEnd - 9); // inside the schema: refused
    for (const cut of cuts) {
      const part = bytes.slice(0, cut);
      if (cut < schemaEnd) {
        const error = await openRun(part, "cut.arrow").then(
          () => null,
          (e: unknown) => e as Error,
        );
        expect(error?.message, `cut at ${cut}`).toMatch(/cut\.arrow.*byte \d+/);
        continue;
      }
      const handle = await openRun(part, "cut.arrow");
      let batches = 0;
      for await (const batch of handle.batches({ allowEmpty: true })) {
        const expected = whole[batches++];
        let wrong = batch.ts.length === expected.ts.length ? 0 : 1;
        for (let i = 0; i < batch.ts.length && !wrong; i++)
          if (batch.ts[i] !== Number(expected.ts[i]) || batch.duration[i] !== expected.duration[i]) wrong++;
        expect(wrong, `cut at ${cut}, batch ${batches - 1}`).toBe(0);
      }
      const kept = ends.filter((end) => end <= cut).length;
      expect(batches, `cut at ${cut}`).toBe(kept);
      expect(handle.header.recovered).toBe(true);
      expect(handle.recovery()).toMatchObject({ batches: kept });
    }
  });

  it("each second's batches reach the disk: the writer fdatasyncs the run file about once a second (strace)", async () => {
    const { lines, out } = await straceSampler(["-ttt", "-e", "trace=fdatasync"], ["--duration", "4s"]);
    const syncs = lines.filter((l) => /fdatasync\(\d+\) += 0/.test(l)).map((l) => Number(l.split(/ +/)[1]));
    // One a second while it runs (the first once the calibration is done), and none failed.
    expect(syncs.length, lines.join("\n")).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < syncs.length; i++) expect(syncs[i] - syncs[i - 1]).toBeLessThan(1.6);
    const metadata = JSON.parse(
      (await openRun(readFileSync(out), "run.arrow")).schema.metadata.get("latency:run")!,
    );
    expect(metadata.sync_max_us).toBeGreaterThan(0);
  });

  it("--hold converts with the counter's rate over the whole run, and records the one before it beside it", async () => {
    const out = join(tempDir(), "held.arrow");
    const done = await timed(["tick", "--duration", "2s", "--hold", "-o", out]);
    expect(done.code, done.stderr).toBe(0);
    const metadata = JSON.parse(
      (await openRun(readFileSync(out), "held.arrow")).schema.metadata.get("latency:run")!,
    );
    expect(metadata.streamed).toBeUndefined();
    expectCounterRates(metadata, "whole-run");
    expect(done.result.tsc_hz).toBe(metadata.tsc_hz);
  });

  it("while it measures, a streamed run maps, unmaps, locks, releases and spawns nothing (strace of every thread)", async () => {
    // Each of these makes the kernel do work on every CPU the process runs on, the measured one included:
    // a TLB flush (munmap, madvise(DONTNEED), mremap, mprotect), a per-CPU page-list drain (munlock), a
    // stack mapped and unmapped to spawn a process (clone).
    const traced = "munmap,munlock,munlockall,madvise,mremap,mprotect,mmap,clone,clone3,fork,vfork";
    const { done, lines, out } = await straceSampler(
      ["-e", `trace=${traced}`],
      ["--loop-us", "1", "--duration", "3s"],
    );
    // The sampler is the last thread started; it measures until it exits.
    const { line: from, tid } = threadStarts(lines).at(-1)!;
    // It measures until its first traced line: glibc freeing its stack as it exits, or its exit. strace does
    // not always print a thread's exit when the leader's exit_group follows at once, so the leader's exit
    // (the process's end) bounds it otherwise.
    const leader = lines[from].split(" ")[0];
    const ownFirst = lines.findIndex((l, i) => i > from && l.startsWith(`${tid} `));
    const to = ownFirst > 0 ? ownFirst : lines.findIndex((l) => l.startsWith(`${leader} +++ exited`));
    expect(to).toBeGreaterThan(from);
    const own = lines.slice(to).filter((l) => l.startsWith(`${tid} `) && /^\d+ +\w+\(/.test(l));
    expect(
      own.every((l) => /madvise\(.*MADV_DONTNEED/.test(l)),
      own.join("\n"),
    ).toBe(true);
    // Every other thread's calls while it measured.
    const during = lines.slice(from + 1, to).filter((l) => /^\d+ +\w+\(/.test(l));
    expect(during).toEqual([]);
    // The writer did write while the sampler ran: over a second of batches before the end.
    const read = readEverySample(out);
    expect(read.batches).toBeGreaterThan(10);
    expect(read.rows).toBe(JSON.parse(done.stdout.trim().split("\n").at(-1)!).result.samples);
  });

  it("the measuring thread makes no system call at all while it measures (strace of every call, every thread)", async () => {
    const { done, lines } = await straceSampler(["-ttt"], ["--loop-us", "1", "--duration", "3s"]);
    // The sampler is the last thread started; its calls (set-up before, exit after) bound the measuring.
    const { tid } = threadStarts(lines.map((l) => l.replace(/^(\d+) +[\d.]+ /, "$1 "))).at(-1)!;
    const own = lines.filter((l) => l.startsWith(`${tid} `)).map((l) => Number(l.split(/ +/)[1]));
    let quiet = 0;
    for (let i = 1; i < own.length; i++) quiet = Math.max(quiet, own[i] - own[i - 1]);
    const elapsed = JSON.parse(done.stdout.trim().split("\n").at(-1)!).result;
    console.log(
      `the measuring thread: ${own.length} calls, none for ${quiet.toFixed(3)} s of a 3 s run (${elapsed.samples} samples)`,
    );
    // Every call of the measuring thread is before its first sample or after its last: the run's 3 s hold none.
    expect(quiet).toBeGreaterThan(2.9);
  });

  it("kill -9 3 s into a 10 s run leaves a file analyze reads: at most the last 2 s lost, said to be recovered", async () => {
    const dir = tempDir();
    const out = join(dir, "killed.arrow");
    const done = await run(sampler, ["tick", "--duration", "10s", "--progress", "-o", out], {
      killAfterMs: 3000,
      signal: "SIGKILL",
    });
    expect(done.signal).toBe("SIGKILL");
    // The last progress line before the kill: the run had gone at least this far.
    const seen = done.stdout
      .split("\n")
      .filter((l) => l.startsWith('{"progress"'))
      .map((l) => JSON.parse(l).progress.elapsed_s as number);
    const reached = Math.max(...seen);
    expect(reached).toBeGreaterThan(2.5);
    const source = await openFileSource(out);
    let lastTs = 0;
    try {
      const handle = await openRun(source, "killed.arrow");
      expect(handle.header.recovered).toBe(true);
      expect(handle.header.fields.stopped).toBe("crashed");
      for await (const batch of handle.batches()) lastTs = batch.ts[batch.ts.length - 1];
    } finally {
      await source.close();
    }
    expect(lastTs / 1e9).toBeGreaterThan(reached - 2);
    expect(lastTs / 1e9).toBeGreaterThanOrEqual(1);
    const lines: string[] = [];
    const log = console.log;
    console.log = (...a: unknown[]) => void lines.push(a.join(" "));
    try {
      expect(await analyze.run([out])).toBe(0);
    } finally {
      console.log = log;
    }
    expect(lines.join("\n")).toMatch(/recovered: [\d,]+ samples, the run did not finish/);
  });

  it("collect keeps what a sampler killed with -9 wrote: a bundle whose run says crashed and recovered", async () => {
    const dir = tempDir();
    const out = join(dir, "bundle");
    const cli = spawn(
      process.execPath,
      [CLI, "collect", "tick", "--duration", "10s", "--no-progress", "-o", out],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stderr = "";
    cli.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    const closed = new Promise<number | null>((resolve) => cli.on("close", resolve));
    // The CLI runs in a child node process (tsx's loader), which starts the sampler: find it among the descendants.
    const children = (pid: string) =>
      spawnSync("pgrep", ["-P", pid], { encoding: "utf8" }).stdout.split("\n").filter(Boolean);
    const commandOf = (pid: string) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      } catch {
        return []; // already gone (the fingerprint, make)
      }
    };
    const samplerBelow = (pid: string): string =>
      children(pid)
        .map((child) => {
          const [binary, test] = commandOf(child);
          return binary?.endsWith("tickscope-sampler") && test === "tick" ? child : samplerBelow(child);
        })
        .find(Boolean) ?? "";
    let sampler = "";
    for (let i = 0; i < 400 && !sampler; i++) {
      await new Promise((r) => setTimeout(r, 50));
      sampler = samplerBelow(String(cli.pid));
    }
    expect(sampler).toMatch(/^\d+$/);
    await new Promise((r) => setTimeout(r, 3000));
    process.kill(Number(sampler), "SIGKILL");
    expect(await closed, stderr).toBe(1);
    expect(stderr).toMatch(/tick failed: the sampler ended by SIGKILL/);
    expect(readdirSync(dir)).toEqual(["bundle"]);
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
    expect(manifest.runs[0]).toMatchObject({
      id: "tick",
      stopped: "crashed",
      summary: "runs/tick.summary",
      recovered: expect.stringMatching(/^recovered: [\d,]+ samples, the run did not finish/),
    });
    const lines: string[] = [];
    const log = console.log;
    console.log = (...a: unknown[]) => void lines.push(a.join(" "));
    try {
      expect(await analyze.run([out, "--json"])).toBe(0);
    } finally {
      console.log = log;
    }
    const [report] = JSON.parse(lines.join("\n")).runs;
    expect(report.samples).toBe(manifest.runs[0].samples);
    expect(report.span_ns).toBeGreaterThan(1e9);
    expect(report.recovered).toBe(manifest.runs[0].recovered);
  });

  it("a run that cannot fit on its disk (a 32 MB tmpfs) is refused before it starts, with the sizes", async () => {
    const mount = join(tempDir(), "small");
    mkdirSync(mount);
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=32m", "tmpfs", mount]);
    try {
      const out = join(mount, "big.arrow");
      const done = await timed(["tick", "--loop-us", "1", "--duration", "10s", "-o", out]);
      expect(done.code).toBe(1);
      expect(done.stderr).toMatch(
        /-o .*big\.arrow: the run needs about [\d.]+ MiB \(\d+ samples, estimated\) and its disk has [\d.]+ MiB free/,
      );
      expect(readdirSync(mount)).toEqual([]);
    } finally {
      execFileSync("umount", [mount]);
    }
  });

  it("a disk that cannot keep up (its writes throttled to 2 MB/s): the run stops by writer-behind, says so, and keeps a whole file of every sample taken", async () => {
    await onLoopDisk(2 * 2 ** 20, async (mount, enter) => {
      const out = join(mount, "slow.arrow");
      const done = await run("sh", [
        "-c",
        `${enter} && exec ${sampler} tick --loop-us 1 --duration 10s --progress -o ${out}`,
      ]);
      expect(done.code, done.stderr).toBe(0);
      expect(done.stderr).toMatch(
        /the writer fell a whole ring \(2097152 samples\) behind: the disk cannot keep up; the run stopped, what was taken is written/,
      );
      const lines = done.stdout.trim().split("\n");
      const result = JSON.parse(lines.at(-1)!).result;
      expect(result).toMatchObject({ stopped: "writer-behind" });
      expect(result.samples).toBe(result.samples_taken); // none lost: the sampler stopped at the ring's end
      // The writer is a thread of its own: while the disk holds it (a write or a sync that takes longer than
      // the ring lasts, 2.5 s here) the monitor's progress lines keep coming, the writer further behind in each.
      const progress = progressLines(done.stdout);
      expectNoGap(progress, 1);
      const behind = Math.max(...progress.map((p) => p.behind));
      console.log(`writer behind in the progress lines: at most ${behind} samples`);
      expect(behind).toBeGreaterThan(2 ** 20);
      const source = await openFileSource(out);
      let rows = 0;
      try {
        const handle = await openRun(source, "slow.arrow");
        expect(handle.recovery()).toBeNull();
        for await (const batch of handle.batches()) rows += batch.ts.length;
        expect(handle.recovery()).toBeNull();
        expect(handle.header.fields).toMatchObject({ stopped: "writer-behind", samples: rows });
        console.log(
          `writer_behind_max_samples ${handle.header.fields.writer_behind_max_samples}, sync_max_us ${handle.header.fields.sync_max_us}`,
        );
        expect(handle.header.fields.writer_behind_max_samples).toBeGreaterThanOrEqual(behind);
      } finally {
        await source.close();
      }
      expect(rows).toBe(result.samples);
    });
  });

  it("a disk that stalls (frozen for 5.5 s) during a 5 s run: progress lines keep coming, the writer behind and held in them; the run stops at 5 s, says so, and keeps a whole file", async () => {
    await onLoopDisk(null, async (mount) => {
      const out = join(mount, "stalled.arrow");
      // Frozen 1 s after the first progress line (the run is under way), thawed well after the run's end: the
      // writer's next write (each second's, at the default loop) waits from then on.
      const done = await runStalled(["tick", "--duration", "5s", "--progress", "-o", out], mount, 1000, 5500);
      expect(done.code, done.stderr).toBe(0);
      const result = JSON.parse(done.stdout.trim().split("\n").at(-1)!).result;
      expect(result).toMatchObject({ stopped: "duration" });
      expect(result.samples).toBe(result.samples_taken);
      const progress = progressLines(done.stdout);
      expectNoGap(progress, 1);
      expect(done.stderr).toMatch(
        /the run stopped \(duration\); the disk has held the writer for [\d.]+ s, with \d+ samples still to write: the file is finished once the disk takes them/,
      );
      // The lines while the disk held the writer (over a second): nothing more written, the writer further
      // behind in each, by at least the second's samples.
      const held = progress.filter((p) => p.writer_busy_ms >= 1000);
      console.log(
        `held: ${held.map((p) => `${p.elapsed_s.toFixed(2)} s behind ${p.behind} (${p.writer_busy_ms} ms)`).join(", ")}`,
      );
      expect(held.length).toBeGreaterThanOrEqual(3);
      for (let i = 1; i < held.length; i++) {
        expect(held[i].written).toBe(held[0].written);
        expect(held[i].behind).toBeGreaterThan(held[i - 1].behind);
      }
      const last = progress.at(-1)!;
      expect(held.at(-1)!.behind).toBeGreaterThan(last.samples / last.elapsed_s);
      const source = await openFileSource(out);
      let rows = 0;
      try {
        const handle = await openRun(source, "stalled.arrow");
        expect(handle.recovery()).toBeNull();
        for await (const batch of handle.batches()) rows += batch.ts.length;
        const fields = handle.header.fields;
        expect(fields).toMatchObject({ stopped: "duration", samples: rows });
        // The sampler stopped at the deadline, not when the disk let the writer go (6.75 s in).
        expect(fields.elapsed_s).toBeGreaterThanOrEqual(5);
        expect(fields.elapsed_s).toBeLessThan(5.3);
        expect(fields.writer_behind_max_samples).toBeGreaterThanOrEqual(held.at(-1)!.behind);
        // The write the disk held, from before the deadline to the thaw, is recorded.
        expect(fields.write_max_us).toBeGreaterThan(held.at(-1)!.writer_busy_ms * 1000);
      } finally {
        await source.close();
      }
      expect(rows).toBe(result.samples);
    });
  });

  for (const fill of ["to 20 MiB free", "to the last byte"] as const)
    it(`a disk filled ${fill} during the run stops it with a clear message; the file of what fitted reads back`, async () => {
      const mount = join(tempDir(), "small");
      mkdirSync(mount);
      execFileSync("mount", ["-t", "tmpfs", "-o", "size=64m", "tmpfs", mount]);
      try {
        const out = join(mount, "full.arrow");
        const running = timed(["tick", "--loop-us", "5", "--duration", "8s", "--progress", "-o", out]);
        await new Promise((r) => setTimeout(r, 2500));
        // Another writer fills the disk while the run goes on.
        const free = statfsSync(mount).bavail * statfsSync(mount).bsize;
        const filler = join(mount, "filler");
        if (fill === "to 20 MiB free") writeFileSync(filler, Buffer.alloc(free - 20 * 2 ** 20));
        else spawnSync("dd", ["if=/dev/zero", `of=${filler}`, "bs=1M"]);
        const done = await running;
        expect(done.stderr).toMatch(
          fill === "to 20 MiB free"
            ? /the disk holding .*full\.arrow has [\d.]+ MiB free, less than the [\d.]+ MiB the run's end needs; the run stops, what was taken is written/
            : /(writing .*full\.arrow failed after \d+ samples: No space left on device|the disk holding .*full\.arrow has [\d.]+ MiB free)/,
        );
        const source = await openFileSource(out);
        let rows = 0;
        try {
          const handle = await openRun(source, "full.arrow");
          for await (const batch of handle.batches()) rows += batch.ts.length;
          if (fill === "to 20 MiB free") {
            // Stopped in time: a whole file, every sample taken in it.
            expect(done.code).toBe(0);
            expect(handle.recovery()).toBeNull();
            expect(handle.header.fields).toMatchObject({ stopped: "disk-full", samples: rows });
            expect(done.result).toMatchObject({ stopped: "disk-full", samples: rows, samples_taken: rows });
          } else expect(handle.recovery()?.samples ?? handle.header.fields.samples).toBe(rows);
        } finally {
          await source.close();
        }
        expect(rows).toBeGreaterThan(100_000);
      } finally {
        execFileSync("umount", [mount]);
      }
    });
});
