import { runInNewContext } from "node:vm";
import { setFlagsFromString } from "node:v8";
import { describe, expect, it } from "vitest";
import { readRunBatches } from "../format/run-reader";
import { encodeSyntheticRun, syntheticSampleBatches } from "../format/testing/synthetic-trace";
import { batchCount, batchEntries, BatchIndexBuilder, coveringEntries, type BatchIndex } from "./batch-index";
import { decodeCheckpointFile, encodeCheckpointFile } from "./checkpoint-file";
import { decodeSummary, encodeSummary, SummaryBuilder, summarizeRun } from "./index";
import { firstDifference } from "./testing/first-difference";
import type { BatchIndexEntry } from "./types";

/** What `batchesCovering` did before the columns: every entry looked at. */
const coveringByFilter = (entries: BatchIndexEntry[], t0: number, t1: number) =>
  entries.filter((b) => b.rows > 0 && b.tsLast >= t0 && b.tsFirst < t1);

/** A 24 h streamed run's index: 660k batches of ~1,800 samples, every 1,000th without samples. */
function longRunEntries(n: number): BatchIndexEntry[] {
  const entries: BatchIndexEntry[] = [];
  let row = 0;
  let offset = 4096;
  for (let i = 0; i < n; i++) {
    const rows = i % 1000 === 999 ? 0 : 1800 + (i % 7);
    const tsFirst = rows ? 1e9 + i * 130_900_000 + (i % 13) : NaN;
    entries.push({
      index: i,
      firstRow: row,
      rows,
      tsFirst,
      tsLast: rows ? tsFirst + 130_000_000 : NaN,
      byteOffset: offset,
      byteLength: 21_800,
    });
    row += rows;
    offset += 21_800;
  }
  return entries;
}

function collectGarbage(): () => void {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

/** Bytes held (V8 heap and array buffers) by what `make` returns, measured with full collections around it. */
function retainedBytes<T>(make: () => T): { bytes: number; kept: T } {
  const gc = collectGarbage();
  gc();
  const before = process.memoryUsage();
  const kept = make();
  gc();
  const after = process.memoryUsage();
  return { bytes: after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers), kept };
}

describe("the batch index as columns", () => {
  it("finds a window's batches by binary search: the same as looking at every one, at its edges and with batches without samples", () => {
    const entries = longRunEntries(5_000);
    const index = BatchIndexBuilder.fromEntries(entries).index();
    expect(index.ordered).toBe(true);
    const last = entries[entries.length - 1].tsLast;
    const windows: [number, number][] = [
      [0, 1],
      [0, Infinity],
      [-Infinity, Infinity],
      [last, last + 1],
      [last + 1, last + 2],
      [entries[998].tsLast, entries[1000].tsFirst + 1], // across batch 999, which has no samples
      [entries[998].tsLast + 1, entries[1000].tsFirst], // only the gap where batch 999 would be
      [entries[10].tsFirst, entries[10].tsFirst], // empty window
      [entries[10].tsLast, entries[11].tsFirst], // exactly between two batches
    ];
    for (let k = 0; k < 300; k++) {
      const t0 = Math.random() * (last + 2e9) - 1e9;
      windows.push([t0, t0 + Math.random() * 10 ** (6 + Math.random() * 5)]);
    }
    for (const [t0, t1] of windows)
      expect(coveringEntries(index, t0, t1)).toEqual(coveringByFilter(entries, t0, t1));
  });

  it("falls back to looking at every batch when the batches do not follow each other in time", () => {
    const entries = longRunEntries(200);
    [entries[50], entries[120]] = [entries[120], entries[50]];
    const index = BatchIndexBuilder.fromEntries(entries).index();
    expect(index.ordered).toBe(false);
    for (let k = 0; k < 100; k++) {
      const t0 = 1e9 + Math.random() * 200 * 130_900_000;
      const t1 = t0 + Math.random() * 1e9;
      expect(coveringEntries(index, t0, t1)).toEqual(coveringByFilter(entries, t0, t1));
    }
  });

  it("660k batches (a 24 h run): columns hold at most 100 B a batch (objects: 137-202), and raw windows are found ≥ 50x faster", () => {
    const n = 660_000;
    const objects = retainedBytes(() => longRunEntries(n));
    const columns = retainedBytes(() => {
      const builder = new BatchIndexBuilder();
      for (const e of objects.kept)
        builder.add(e.index, e.firstRow, e.rows, e.tsFirst, e.tsLast, e.byteOffset!, e.byteLength!);
      return builder;
    });
    const perEntry = (bytes: number) => (bytes / n).toFixed(1);
    console.log(
      `660k batches: objects ${perEntry(objects.bytes)} B each (${(objects.bytes / 2 ** 20).toFixed(1)} MiB), columns grown by doubling ${perEntry(columns.bytes)} B each (${(columns.bytes / 2 ** 20).toFixed(1)} MiB)`,
    );
    // Seven float64 columns of capacity 2^20: 56 MiB, 89 B per batch; an object per batch took 136-202.
    const capacity = columns.kept.capacityBytes;
    expect(capacity / n).toBeLessThanOrEqual(100);
    expect(columns.bytes).toBeLessThan(capacity + 4 * 2 ** 20);
    expect(objects.bytes / n).toBeGreaterThan(100);

    const index: BatchIndex = columns.kept.index();
    expect(batchCount(index)).toBe(n);
    const last = objects.kept[n - 1].tsLast;
    const windows = Array.from({ length: 40 }, (_, k) => {
      const t0 = ((k * 7919) % 40) * (last / 40);
      return [t0, t0 + 5e8] as const;
    });
    let started = performance.now();
    const byFilter = windows.map(([t0, t1]) => coveringByFilter(objects.kept, t0, t1));
    const filterMs = performance.now() - started;
    started = performance.now();
    const bySearch = windows.map(([t0, t1]) => coveringEntries(index, t0, t1));
    const searchMs = performance.now() - started;
    console.log(
      `40 raw windows over 660k batches: looking at every batch ${filterMs.toFixed(1)} ms, binary search ${searchMs.toFixed(2)} ms`,
    );
    expect(bySearch).toEqual(byFilter);
    expect(searchMs * 50).toBeLessThan(filterMs);
  });

  it("a summary's index is what the batches were, object for object, and saved and loaded as columns", async () => {
    const options = { samples: 300_000, batchRows: 7_000, spikePeriodNs: 0.5e9 };
    const { bytes } = encodeSyntheticRun(options);
    const seen: BatchIndexEntry[] = [];
    const builder = new SummaryBuilder({ test: "tick" });
    for await (const batch of readRunBatches(bytes, "run.arrow")) {
      const n = batch.ts.length;
      seen.push({
        index: batch.index,
        firstRow: batch.firstRow,
        rows: n,
        tsFirst: n ? batch.ts[0] : NaN,
        tsLast: n ? batch.ts[n - 1] : NaN,
        byteOffset: batch.byteOffset ?? null,
        byteLength: batch.byteLength ?? null,
      });
      builder.add(batch);
    }
    const summary = builder.finish();
    expect(batchEntries(summary.batches)).toEqual(seen);
    expect(summary.batches.ordered).toBe(true);
    const loaded = decodeSummary(encodeSummary(summary));
    expect(batchEntries(loaded.batches)).toEqual(seen);
    expect(firstDifference(loaded.batches, summary.batches)).toBeNull();
  });

  it("reads a summary saved with the index as objects (before the columns): the same summary", async () => {
    const { batches } = syntheticSampleBatches({ samples: 200_000, batchRows: 9_000 });
    const summary = await summarizeRun(batches, { test: "tick" });
    const old = encodeSummary({
      ...summary,
      batches: batchEntries(summary.batches) as unknown as BatchIndex,
    });
    expect(new TextDecoder().decode(old.subarray(0, 4000))).toContain('"batches":[{"index":0,"firstRow":0');
    expect(firstDifference(decodeSummary(old), decodeSummary(encodeSummary(summary)))).toBeNull();
  });

  it("resumes from a checkpoint written with the index as objects (before the columns): the summary a single pass gives", () => {
    const { batches } = syntheticSampleBatches({ samples: 300_000, batchRows: 10_000 });
    const options = { test: "tick", warmupSamples: 50_000 };
    const whole = new SummaryBuilder(options);
    for (const batch of batches) whole.add(batch);
    const expected = Buffer.from(encodeSummary(whole.finish()));

    const builder = new SummaryBuilder(options);
    for (const batch of batches.slice(0, 12)) builder.add(batch);
    const checkpoint = builder.checkpoint()!;
    const oldFile = encodeCheckpointFile({
      run: { file: "tick.arrow", coveredBytes: 0, blocks: [] },
      checkpoint: { ...checkpoint, batches: batchEntries(checkpoint.batches) as unknown as BatchIndex },
    });
    const read = decodeCheckpointFile(oldFile);
    expect(batchCount(read.checkpoint.batches)).toBe(12);
    const resumed = SummaryBuilder.resume(read.checkpoint);
    for (const batch of batches.slice(12)) resumed.add(batch);
    expect(firstDifference(Buffer.from(encodeSummary(resumed.finish())), expected)).toBeNull();
  });
});
