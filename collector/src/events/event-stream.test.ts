import { describe, expect, it } from "vitest";
import type { EventsMeta } from "../../../lib/format/events-contract";
import { attributeRun, attributeRunStreamed } from "../../../lib/analysis/run-attribution";
import { readEventBatches } from "../../../lib/format/events-batches";
import { readEvents } from "../../../lib/format/events-reader";
import type { RunSummary } from "../../../lib/summary";
import { memorySink } from "../../../lib/format/events-stream-writer";
import { encodeEventsFile } from "../../../lib/format/events-writer";
import { EventStream, type StreamOrigin } from "./event-stream";
import { IntervalPairer } from "./intervals";
import { realTrace } from "./testing/real-lines";
import { LineSplitter, parseTraceLine } from "./trace-lines";

const SAMPLER = "tickscope-sampl";
const COUNTS_PER_NS = 2.1;
const meta = (pairer: IntervalPairer, origin: StreamOrigin, late = 0): EventsMeta => ({
  clock: "x86-tsc",
  offset_ns: Math.round(origin.originClock / origin.countsPerNs),
  lost_events: 0,
  cpu: 1,
  source: "tracefs",
  unpaired: pairer.unpaired,
  ...(late ? { late_intervals: late } : {}),
});

function lines(text: string): string[] {
  const out: string[] = [];
  const splitter = new LineSplitter();
  splitter.push(text, (l) => out.push(l));
  splitter.flush((l) => out.push(l));
  return out;
}

function push(pairer: IntervalPairer, line: string): void {
  const parsed = parseTraceLine(line);
  if (parsed && !("lost" in parsed)) pairer.push(parsed);
}

/** What the recorder wrote before streaming: every interval held, sorted at the end, written whole. */
function held(all: string[], origin: StreamOrigin): Uint8Array {
  const pairer = new IntervalPairer(SAMPLER, COUNTS_PER_NS);
  for (const line of all) push(pairer, line);
  const columns = pairer.intervals;
  const rows = columns.order((i) => columns.end[i] >= origin.originClock);
  const toNs = (t: number) => BigInt(Math.round((t - origin.originClock) / origin.countsPerNs));
  return encodeEventsFile(
    {
      ts: BigInt64Array.from(rows, (i) => toNs(columns.start[i])),
      end: BigInt64Array.from(rows, (i) => toNs(columns.end[i])),
      kind: Array.from(rows, (i) => columns.kindAt(i)),
      name: Array.from(rows, (i) => columns.nameAt(i)),
      cpu: Int32Array.from(rows, (i) => columns.cpu[i]),
    },
    meta(pairer, origin),
  );
}

/** The same lines through the stream: the origin told after `originAfter` lines, lines pushed in uneven steps. */
function streamed(
  all: string[],
  origin: StreamOrigin,
  options: { batchRows: number; step: number; originAfter: number; maxOpenCounts?: number },
) {
  const pairer = new IntervalPairer(SAMPLER, COUNTS_PER_NS);
  const sink = memorySink();
  const stream = new EventStream(
    pairer,
    () => sink,
    (o) => ({ ...meta(pairer, o), recording: "unfinished" }),
    {
      batchRows: options.batchRows,
      maxOpenCounts: options.maxOpenCounts ?? 1e9,
      lagCounts: 200, // the block's NMI starts 105 counts before its line
    },
  );
  let steps = 0;
  for (let at = 0; at < all.length;) {
    const n = 1 + ((steps * 7 + 3) % options.step);
    for (const line of all.slice(at, at + n)) push(pairer, line);
    at += n;
    if (at >= options.originAfter) stream.setOrigin(origin);
    stream.step(steps++ % 3 === 0);
  }
  stream.setOrigin(origin);
  stream.finish(meta(pairer, origin, stream.late));
  return { bytes: sink.bytes(), stream, pairer };
}

describe("EventStream", () => {
  const all = lines(realTrace(400));
  // The origin (the first sample) falls inside the first block, after its first IRQ ended.
  const origin: StreamOrigin = { originClock: 1200, countsPerNs: COUNTS_PER_NS };

  it("writes the same file content as holding every interval to the end, whatever the batch and step sizes (real lines)", async () => {
    const expected = await readEvents(held(all, origin), "held.events.arrow");
    expect(expected.ts.length).toBeGreaterThan(400 * 10);
    expect(expected.ts[0]).toBe(Math.round((1000 - 1200) / COUNTS_PER_NS)); // the tick under way at time 0
    for (const [batchRows, step, originAfter] of [
      [1, 1, 0],
      [3, 40, 500],
      [64, 5, 2000],
      [1000, 300, 0],
      [65_536, 11, all.length],
    ]) {
      const { bytes, stream } = streamed(all, origin, { batchRows, step, originAfter });
      const got = await readEvents(bytes, "streamed.events.arrow");
      const label = `batch ${batchRows}, step ${step}, origin after ${originAfter} lines`;
      expect(stream.late, label).toBe(0);
      expect(got.meta, label).toEqual(expected.meta);
      expect(Array.from(got.ts), label).toEqual(Array.from(expected.ts));
      expect(Array.from(got.end), label).toEqual(Array.from(expected.end));
      expect(got.kind, label).toEqual(expected.kind);
      expect(got.name, label).toEqual(expected.name);
      expect(Array.from(got.cpu), label).toEqual(Array.from(expected.cpu));
    }
  });

  it("holds only what is still pending: the pairer's columns stay small however long the stream", () => {
    const { pairer, stream } = streamed(lines(realTrace(2000)), origin, {
      batchRows: 4096,
      step: 50,
      originAfter: 0,
    });
    expect(stream.rows).toBeGreaterThan(2000 * 10);
    expect(pairer.intervals.length).toBe(0);
    expect(pairer.intervals.start.length, "capacity").toBeLessThanOrEqual(1024);
  });

  it("an interval open longer than it waits is left out and counted; every other one is written, sorted", async () => {
    // An IRQ entered before the stream and exited 300 blocks later: waited for at most 10 blocks.
    const entry = " tickscope-sampl-700     [001] d.h1. 900: irq_handler_entry: irq=40 name=stuck";
    const exit = (ts: number) =>
      ` tickscope-sampl-700     [001] d.h1. ${ts}: irq_handler_exit: irq=40 ret=handled`;
    const trace = lines(realTrace(400));
    const tsOf = (line: string) => Number(/ (\d+): /.exec(line)![1]);
    const at = trace.findIndex((l) => tsOf(l) >= 300 * 60_000);
    const ts = tsOf(trace[at]);
    const withStuck = [entry, ...trace.slice(0, at + 1), exit(ts), ...trace.slice(at + 1)];
    const { bytes, stream } = streamed(withStuck, origin, {
      batchRows: 100,
      step: 20,
      originAfter: 0,
      maxOpenCounts: 600_000,
    });
    expect(stream.late).toBe(1);
    const got = await readEvents(bytes, "late.events.arrow");
    expect(got.meta.late_intervals).toBe(1);
    expect(got.name).not.toContain("stuck");
    const expected = await readEvents(held(trace, origin), "held.events.arrow");
    expect(Array.from(got.ts)).toEqual(Array.from(expected.ts));
  });

  it("attributes the streamed file, read batch by batch beside the samples, as the held file read whole (real lines)", async () => {
    const expected = await readEvents(held(all, origin), "held.events.arrow");
    // Samples of 700 ns back to back over the trace (lost: all but a 500 ns baseline), in batches of 4096.
    const span = expected.end[expected.end.length - 1];
    const samples: { ts: Float64Array; duration: Float64Array }[] = [];
    for (let t = 0; t < span; t += 4096 * 700) {
      const n = Math.min(4096, Math.ceil((span - t) / 700));
      samples.push({
        ts: Float64Array.from({ length: n }, (_, i) => t + i * 700),
        duration: new Float64Array(n).fill(700),
      });
    }
    const summary = {
      offsetNs: 500,
      spikes: { thresholdNs: 5_000 },
      tick: null,
      periodicSpikes: [],
    } as unknown as Pick<RunSummary, "offsetNs" | "spikes" | "tick" | "periodicSpikes">;
    const want = await attributeRun(samples, { summary, events: expected, steal: null });
    expect(want.byKind.throttle).toBeGreaterThan(0);
    expect(want.byKind.irq).toBeGreaterThan(0);
    expect(want.total.samples).toBeGreaterThan(1000);
    for (const batchRows of [1, 7, 64, 65_536]) {
      const { bytes } = streamed(all, origin, { batchRows, step: 40, originAfter: 0 });
      const read = await readEventBatches(bytes, "streamed.events.arrow");
      const got = await attributeRunStreamed(samples, read.batches, { summary, steal: null });
      expect(got, `batch ${batchRows}`).toEqual(want);
    }
  });
});
