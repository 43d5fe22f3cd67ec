// A real tick run whose whole collector (launcher, CLI, sampler) is killed with -9 mid-run: its kernel events
// and steal table, streamed to their files while the run went on, are read up to the last whole batch, and
// `tickscope repair` finishes the files and names them in the run's entry. Run under the bench lock (npx vitest run --project sampler).
import { execFileSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { tableFromIPC } from "apache-arrow";
import { beforeAll, describe, expect, it } from "vitest";
import { readEvents, readSteal } from "../../lib/format/events-reader";
import repair from "../src/commands/repair";
import { captureConsole } from "../src/commands/testing/capture-console";
import { removeStaleInstances } from "../src/events/tracefs";
import { ensureSampler, readTable, startKillableCollect } from "./helpers";

let hz = 0;
beforeAll(() => {
  hz = JSON.parse(execFileSync(ensureSampler(), ["fingerprint"], { encoding: "utf8" })).hz;
});

describe("kill -9 of the whole collector mid-run: the kernel events and the steal table", () => {
  it("are readable up to the last whole batch, and repair finishes the files", async () => {
    expect(process.getuid?.(), "these tests need root").toBe(0);
    const collect = startKillableCollect(["--duration", "30s"]);
    const folder = await collect.folderWith(join("runs", "tick.events.arrow"));
    expect(folder, collect.stderr()).not.toBe("");
    const events = join(folder, "runs", "tick.events.arrow");
    // Events: a batch a second; steal: a row a second, a batch every 10 s. Let one steal batch come.
    await new Promise((r) => setTimeout(r, 12_500));
    const sizeBefore = statSync(events).size;
    await collect.kill();
    removeStaleInstances();

    const crashed = await readEvents(new Uint8Array(readFileSync(events)), "runs/tick.events.arrow");
    expect(crashed.recovered, collect.stderr()).toMatch(
      /^recovered: [\d,]+ events, the recording did not finish/,
    );
    expect(crashed.meta).toMatchObject({ clock: "x86-tsc", recording: "unfinished" });
    const ticks = crashed.ts.filter((_, i) => crashed.kind[i] === "tick");
    const spanS = (ticks[ticks.length - 1] - ticks[0]) / 1e9;
    console.log(
      `killed after ${sizeBefore} bytes of events: ${crashed.ts.length} intervals recovered, ticks over ${spanS.toFixed(2)} s`,
    );
    expect(spanS).toBeGreaterThanOrEqual(8);
    const stealFile = join(folder, "runs", "tick.steal.arrow");
    const stealCrashed = await readSteal(new Uint8Array(readFileSync(stealFile)), "runs/tick.steal.arrow");
    expect(stealCrashed.recovered, collect.stderr()).toMatch(
      /^recovered: [\d,]+ seconds of steal, the recording did not finish/,
    );
    // Whole seconds of the run from its first: at least the first batch's ten.
    expect(stealCrashed.second.length).toBeGreaterThanOrEqual(10);
    expect(Array.from(stealCrashed.second)).toEqual(Array.from(stealCrashed.second, (_, i) => i));
    expect(stealCrashed.meta).toMatchObject({ source: "/proc/stat", recording: "unfinished" });
    expect(ticks.length / spanS).toBeGreaterThan(hz * 0.9);

    const printed = captureConsole().out;
    expect(await repair.run([folder])).toBe(0);
    expect(printed.join("\n")).toMatch(
      /tick: runs\/tick\.events\.arrow: recovered: [\d,]+ events.*wrote its footer/,
    );
    const manifest = JSON.parse(readFileSync(join(folder, "manifest.json"), "utf8"));
    expect(manifest.runs[0]).toMatchObject({
      events: "runs/tick.events.arrow",
      steal: "runs/tick.steal.arrow",
      stopped: "crashed",
    });
    const stealRepaired = await readSteal(new Uint8Array(readFileSync(stealFile)), "runs/tick.steal.arrow");
    expect(stealRepaired.recovered).toBeUndefined();
    expect(Array.from(stealRepaired.stealNs)).toEqual(Array.from(stealCrashed.stealNs));
    const repairedBytes = new Uint8Array(readFileSync(events));
    const repaired = await readEvents(repairedBytes, "runs/tick.events.arrow");
    expect(repaired.recovered).toBeUndefined();
    expect(Array.from(repaired.ts)).toEqual(Array.from(crashed.ts));
    expect(tableFromIPC(repairedBytes).numRows).toBe(crashed.ts.length);

    // One time base with the samples: the recovered ticks fall within the samples the run file kept.
    const samples = readTable(join(folder, "runs", "tick.arrow"));
    const ts = samples.getChild("ts_ns")!.toArray() as BigInt64Array;
    expect(ticks[0]).toBeGreaterThanOrEqual(-5e6);
    expect(ticks[0]).toBeLessThan(Number(ts[ts.length - 1]));
  });
});
