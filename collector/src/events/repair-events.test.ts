import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tableFromIPC } from "apache-arrow";
import { afterAll, describe, expect, it } from "vitest";
import { readEvents } from "../../../lib/format/events-reader";
import { recoverEvents } from "../../../lib/format/events-recovery";
import { EventsStreamWriter, memorySink } from "../../../lib/format/events-stream-writer";
import { encodeSyntheticRun } from "../../../lib/format/testing/synthetic-trace";
import repair from "../commands/repair";
import { captureConsole } from "../commands/testing/capture-console";

const dir = mkdtempSync(join(tmpdir(), "tickscope-repair-events-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NAMES = ["local_timer", "RCU"];
const START = {
  clock: "x86-tsc",
  offset_ns: 9,
  lost_events: 0,
  cpu: 1,
  source: "tracefs",
  recording: "unfinished",
};

/** What a killed collector leaves: 5 batches of 100 intervals written, the sixth cut short, no footer. */
async function unfinishedEvents(): Promise<Uint8Array> {
  const sink = memorySink();
  const writer = new EventsStreamWriter(sink, START);
  for (let b = 0; b < 6; b++) {
    const ts = BigInt64Array.from({ length: 100 }, (_, i) => BigInt((b * 100 + i) * 4_000_000));
    writer.write({
      ts,
      end: ts.map((t) => t + 20_000n),
      kind: new Uint8Array(100),
      name: Uint32Array.from({ length: 100 }, (_, i) => i % 2),
      names: NAMES,
      cpu: new Int32Array(100).fill(1),
    });
  }
  const bytes = sink.bytes();
  const last = (await recoverEvents(bytes, "e"))!.blocks[5];
  return bytes.slice(0, last.offset + 50);
}

describe("tickscope repair, a run's events file", () => {
  it("finishes the events file a killed collector left beside its crashed run, and names it in the run's entry", async () => {
    const bundle = join(dir, "bundle");
    mkdirSync(join(bundle, "runs"), { recursive: true });
    writeFileSync(join(bundle, "runs", "tick.arrow"), encodeSyntheticRun({ samples: 10_000 }).bytes);
    writeFileSync(join(bundle, "runs", "tick.events.arrow"), await unfinishedEvents());
    writeFileSync(
      join(bundle, "manifest.json"),
      JSON.stringify({
        format: "latency-bundle",
        version: 1,
        runs: [{ id: "tick", file: "runs/tick.arrow", test: "tick", stopped: "crashed" }],
      }),
    );
    const before = await readEvents(readFileSync(join(bundle, "runs", "tick.events.arrow")), "e");
    expect(before.recovered).toMatch(/^recovered: 500 events, the recording did not finish \(the incomplete/);

    const out = captureConsole().out;
    expect(await repair.run([bundle])).toBe(0);
    expect(out.join("\n")).toMatch(
      /tick: runs\/tick\.events\.arrow: recovered: 500 events.*wrote its footer/,
    );
    const manifest = JSON.parse(readFileSync(join(bundle, "manifest.json"), "utf8"));
    expect(manifest.runs[0]).toMatchObject({
      id: "tick",
      events: "runs/tick.events.arrow",
      stopped: "crashed",
    });

    const repaired = new Uint8Array(readFileSync(join(bundle, "runs", "tick.events.arrow")));
    const events = await readEvents(repaired, "runs/tick.events.arrow");
    expect(events.recovered).toBeUndefined();
    expect(events.meta).toMatchObject({ recording: "unfinished", offset_ns: 9 });
    expect(Array.from(events.ts)).toEqual(Array.from({ length: 500 }, (_, i) => i * 4_000_000));
    expect(events.name.slice(0, 3)).toEqual(["local_timer", "RCU", "local_timer"]);
    expect(tableFromIPC(repaired).batches.map((b) => b.numRows)).toEqual([100, 100, 100, 100, 100]);

    captureConsole();
    expect(await repair.run([bundle])).toBe(0);
    expect(readFileSync(join(bundle, "runs", "tick.events.arrow"))).toEqual(Buffer.from(repaired));
  });
});
