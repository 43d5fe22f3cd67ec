import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tableFromIPC } from "apache-arrow";
import { afterAll, describe, expect, it } from "vitest";
import { readEvents, readSteal } from "../../../lib/format/events-reader";
import { recoverEvents } from "../../../lib/format/events-recovery";
import { EventsStreamWriter, memorySink } from "../../../lib/format/events-stream-writer";
import { StealStreamWriter } from "../../../lib/format/steal-stream-writer";
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

/** The steal table a killed collector leaves: 3 batches of 10 seconds, the fourth cut short, no footer. */
async function unfinishedSteal(): Promise<Uint8Array> {
  const sink = memorySink();
  const writer = new StealStreamWriter(sink, { ...START, source: "/proc/stat" });
  for (let b = 0; b < 4; b++)
    writer.write({
      second: Int32Array.from({ length: 10 }, (_, i) => b * 10 + i),
      steal: BigInt64Array.from({ length: 10 }, (_, i) => BigInt(i % 3) * 10_000_000n),
    });
  const bytes = sink.bytes();
  const last = (await recoverEvents(bytes, "s"))!.blocks[3];
  return bytes.slice(0, last.offset + 30);
}

describe("tickscope repair, a run's events file", () => {
  it("finishes the events file and the steal table a killed collector left beside its crashed run, and names them in the run's entry", async () => {
    const bundle = join(dir, "bundle");
    mkdirSync(join(bundle, "runs"), { recursive: true });
    writeFileSync(join(bundle, "runs", "tick.arrow"), encodeSyntheticRun({ samples: 10_000 }).bytes);
    writeFileSync(join(bundle, "runs", "tick.events.arrow"), await unfinishedEvents());
    writeFileSync(join(bundle, "runs", "tick.steal.arrow"), await unfinishedSteal());
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
    expect(out.join("\n")).toMatch(
      /tick: runs\/tick\.steal\.arrow: recovered: 30 seconds of steal, the recording did not finish.*wrote its footer/,
    );
    const manifest = JSON.parse(readFileSync(join(bundle, "manifest.json"), "utf8"));
    expect(manifest.runs[0]).toMatchObject({
      id: "tick",
      events: "runs/tick.events.arrow",
      steal: "runs/tick.steal.arrow",
      stopped: "crashed",
    });
    const steal = await readSteal(
      readFileSync(join(bundle, "runs", "tick.steal.arrow")),
      "runs/tick.steal.arrow",
    );
    expect(steal.recovered).toBeUndefined();
    expect(Array.from(steal.second)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(steal.stealNs[4]).toBe(10_000_000);

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
