// Reading a long run's events does not grow with the run: a 3M-interval events file (an hour and a half at
// this VM's 540 intervals/s, five minutes at 10k/s), written to disk in batches as the collector streams
// it, attributed against 6M samples generated batch by batch, with the retained heap and array buffers
// measured after a full GC early in the pass and at its end. Held whole, the same intervals take at least
// 48 MiB in their two time columns alone.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, describe, expect, it } from "vitest";
import type { EventCursor } from "../../../lib/analysis/attribution";
import { attributeRunStreamed } from "../../../lib/analysis/run-attribution";
import { EventBatchEntries } from "../../../lib/analysis/event-batch-index";
import { EventFineBins } from "../../../lib/analysis/event-fine-bins";
import { readEventColumnBatches } from "../../../lib/format/events-batches";
import { EVENT_KINDS } from "../../../lib/format/events-contract";
import { EventsStreamWriter } from "../../../lib/format/events-stream-writer";
import { openFileSource } from "../../../lib/format/node-source";
import type { RunSummary } from "../../../lib/summary";
import { FileSink } from "./file-sink";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const MIB = 2 ** 20;
const EVENTS = 3_000_000;
/** An IRQ of 2 µs every 10 µs, 1 µs into its slot; samples of 5 µs back to back, so each IRQ lies in one sample. */
const EVENT_EVERY_NS = 10_000;
const SAMPLE_NS = 5_000;
const OFFSET_NS = 4_000;
const BATCH_ROWS = 65_536;
const META = { clock: "x86-tsc", offset_ns: 0, lost_events: 0, cpu: 1, source: "tracefs" };

function retained(): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

function writeEvents(path: string): void {
  const sink = new FileSink(path);
  const writer = new EventsStreamWriter(sink, META);
  const irq = EVENT_KINDS.indexOf("irq");
  for (let at = 0; at < EVENTS; at += BATCH_ROWS) {
    const n = Math.min(BATCH_ROWS, EVENTS - at);
    const ts = new BigInt64Array(n);
    const end = new BigInt64Array(n);
    for (let i = 0; i < n; i++) {
      ts[i] = BigInt((at + i) * EVENT_EVERY_NS + 1_000);
      end[i] = ts[i] + 2_000n;
    }
    writer.write({
      ts,
      end,
      kind: new Uint8Array(n).fill(irq),
      name: new Uint32Array(n),
      names: ["eth0"],
      cpu: new Int32Array(n),
    });
  }
  writer.finish(META);
  sink.close();
}

/** The run's samples, made batch by batch into one reused pair of arrays (as the run reader reuses them). */
function* samples(): Generator<{ ts: Float64Array; duration: Float64Array }> {
  const total = (EVENTS * EVENT_EVERY_NS) / SAMPLE_NS;
  const ts = new Float64Array(BATCH_ROWS);
  const duration = new Float64Array(BATCH_ROWS).fill(SAMPLE_NS);
  for (let at = 0; at < total; at += BATCH_ROWS) {
    const n = Math.min(BATCH_ROWS, total - at);
    for (let i = 0; i < n; i++) ts[i] = (at + i) * SAMPLE_NS;
    yield { ts: ts.subarray(0, n), duration: duration.subarray(0, n) };
  }
}

const SUMMARY = {
  offsetNs: OFFSET_NS,
  spikes: { thresholdNs: 1e9, raised: false, ts: new Float64Array(0), durationNs: new Float64Array(0) },
  tick: null,
  periodicSpikes: [],
} as unknown as Pick<RunSummary, "offsetNs" | "spikes" | "tick" | "periodicSpikes">;

const dir = mkdtempSync(join(tmpdir(), "tickscope-read-memory-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("reading a long run's events", () => {
  it("attributes 3M intervals from disk holding at most two events batches as typed columns (filling the batch index and the fine bins as the run worker does): retained memory flat from early in the pass to its end", async () => {
    const path = join(dir, "long.events.arrow");
    writeEvents(path);
    const source = await openFileSource(path);
    const read = await readEventColumnBatches(source, path);
    const before = retained();
    // The run worker's fine bins: a fixed table, allocated up front.
    const entries = new EventBatchEntries(new EventFineBins());
    const indexed = (async function* () {
      for await (const batch of read.batches) {
        entries.add(batch);
        yield batch;
      }
    })();
    let pulls = 0;
    let early = 0;
    let atEnd = 0;
    let mostHeld = 0;
    const pulled = (cursor: EventCursor) => {
      mostHeld = Math.max(mostHeld, cursor.heldEvents);
      pulls++;
      if (pulls === 3) early = retained();
      if (pulls === Math.ceil(EVENTS / BATCH_ROWS)) atEnd = retained();
    };
    const started = performance.now();
    const result = await attributeRunStreamed(samples(), indexed, { summary: SUMMARY, steal: null }, pulled);
    const seconds = (performance.now() - started) / 1000;
    await source.close();
    console.log(
      `${EVENTS.toLocaleString("en")} intervals (${(source.size / MIB).toFixed(0)} MiB on disk) over ` +
        `${((EVENTS * EVENT_EVERY_NS) / SAMPLE_NS).toLocaleString("en")} samples in ${seconds.toFixed(1)} s; retained ` +
        `${(before / MIB).toFixed(1)} MiB before, ${(early / MIB).toFixed(1)} MiB after 3 batches, ${(atEnd / MIB).toFixed(1)} MiB ` +
        `at the last; the cursor held at most ${mostHeld.toLocaleString("en")} intervals`,
    );
    // Each IRQ explains its sample's whole lost time (2 µs of events for 1 µs lost: scaled down).
    expect(result.total.samples).toBe(EVENTS);
    expect(result.byKind.irq).toBe(EVENTS * (SAMPLE_NS - OFFSET_NS));
    expect(result.byKind.unexplained).toBe(0);
    expect(read.rows()).toBe(EVENTS);
    expect(mostHeld).toBeLessThanOrEqual(2 * BATCH_ROWS);
    expect(atEnd).toBeGreaterThan(0);
    expect(atEnd - early, "grown from early in the pass to its end").toBeLessThan(2 * MIB);
    // A batch of each as typed columns and the cursor's columns (4.7 MiB measured beside the table; 8.0 MiB
    // when batches were decoded to per-event strings); the whole file held would add at least its two time
    // columns, 8 bytes each per interval (46 MiB).
    expect(EVENTS * 16).toBeGreaterThan(40 * MIB);
    expect(entries.entries.length).toBe(Math.ceil(EVENTS / BATCH_ROWS));
    const table = entries.fine!.byteLength;
    expect(atEnd - before, "retained beyond what was there before the pass").toBeLessThan(8 * MIB + table);
  }, 240_000);
});
