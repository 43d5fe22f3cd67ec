// The recorder's memory does not grow with the recording: 5M real trace lines (2.8M intervals: almost five
// minutes at 10k intervals/s, 1.4 h at this VM's 540/s) through the pairer and the stream to an events file,
// with the retained heap and array buffers measured after a full GC at 1M lines and at the end. (10M lines,
// run once: 5.56M intervals, 17.8 MiB retained at 1M lines and 16.7 MiB at the end, 58 s under load.)
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import type { RewritableSink } from "../../../lib/format/events-stream-writer";
import { EventStream } from "./event-stream";
import { IntervalPairer } from "./intervals";
import { blockLines, LINES_PER_BLOCK } from "./testing/real-lines";
import { LineSplitter, parseTraceLine } from "./trace-lines";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const LINES = 5_000_000;
const MIB = 2 ** 20;

function retained(): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Counts what reaches the file and keeps none of it. */
function countingSink(): RewritableSink & { bytes: number } {
  return {
    bytes: 0,
    append(chunk) {
      this.bytes += chunk.byteLength;
    },
    writeAt() {},
  };
}

function record(blocks: number, onCheckpoint?: (block: number) => void) {
  const pairer = new IntervalPairer("tickscope-sampl", 2.1);
  const sink = countingSink();
  const stream = new EventStream(
    pairer,
    () => sink,
    () => ({ clock: "x86-tsc", offset_ns: 0, lost_events: 0, cpu: 1, source: "tracefs" }),
    { maxOpenCounts: 30 * 2.1e9, lagCounts: 0.01 * 2.1e9 },
  );
  stream.setOrigin({ originClock: 0, countsPerNs: 2.1 });
  const splitter = new LineSplitter();
  const onLine = (line: string) => {
    const parsed = parseTraceLine(line);
    if (parsed && !("lost" in parsed)) pairer.push(parsed);
  };
  // As the recorder drains the kernel's pipe: text chunks of whole and cut lines, then a step.
  const BLOCKS_A_DRAIN = 200;
  for (let b = 0; b < blocks; b += BLOCKS_A_DRAIN) {
    const text: string[] = [];
    for (let k = b; k < Math.min(blocks, b + BLOCKS_A_DRAIN); k++) text.push(...blockLines(k));
    const chunk = text.join("\n") + "\n";
    const cut = chunk.length >> 1;
    splitter.push(chunk.slice(0, cut), onLine);
    splitter.push(chunk.slice(cut), onLine);
    stream.step(b % (BLOCKS_A_DRAIN * 10) === 0);
    onCheckpoint?.(b + BLOCKS_A_DRAIN);
  }
  stream.finish({ clock: "x86-tsc", offset_ns: 0, lost_events: 0, cpu: 1, source: "tracefs" });
  return { rows: stream.rows, late: stream.late, bytes: sink.bytes, pairer };
}

describe("recording memory", () => {
  it("stays flat over 5M lines: what is retained at the end is within 2 MiB of what it was at 1M", () => {
    const perBlock = record(3).rows - record(2).rows;
    const blocks = Math.ceil(LINES / LINES_PER_BLOCK);
    const early = Math.ceil(1_000_000 / LINES_PER_BLOCK / 200) * 200;
    let atEarly = 0;
    let atEnd = 0;
    const started = performance.now();
    const result = record(blocks, (b) => {
      if (b === early) atEarly = retained();
      if (b >= blocks) atEnd = retained();
    });
    const seconds = (performance.now() - started) / 1000;
    expect(result.late).toBe(0);
    expect(result.rows).toBe(record(2).rows + (blocks - 2) * perBlock);
    // Held to the end, the same intervals took 25 bytes each in typed columns (bench:events), grown by doubling.
    const heldMiB = (result.rows * 25) / MIB;
    console.log(
      `${(blocks * LINES_PER_BLOCK).toLocaleString("en")} lines, ${result.rows.toLocaleString("en")} intervals, ` +
        `${(result.bytes / MIB).toFixed(0)} MiB written, in ${seconds.toFixed(1)} s; retained ${(atEarly / MIB).toFixed(1)} MiB ` +
        `at 1M lines, ${(atEnd / MIB).toFixed(1)} MiB at the end (held: at least ${heldMiB.toFixed(0)} MiB more)`,
    );
    expect(result.rows * 25).toBeGreaterThan(60 * MIB);
    expect(atEnd - atEarly).toBeLessThan(2 * MIB);
    // Pending: at most one drain's lines (200 blocks, 11k intervals) and what is still open.
    expect(result.pairer.intervals.start.length, "the pending columns' capacity").toBeLessThanOrEqual(16_384);
  }, 240_000);
});
