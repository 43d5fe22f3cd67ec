import { describe, expect, it } from "vitest";
import { readRunBatches } from "../format/run-reader";
import { encodeSyntheticRun, syntheticSampleBatches } from "../format/testing/synthetic-trace";
import { batchCount, batchEntries, BatchIndexBuilder, coveringEntries, type BatchIndex } from "./batch-index";
import { decodeCheckpointFile, encodeCheckpointFile } from "./checkpoint-file";
import { decodeSummary, encodeSummary, SummaryBuilder, summarizeRun } from "./index";
import { firstDifference } from "./testing/first-difference";
import { coveringByFilter, longRunEntries } from "./testing/long-run-entries";
import type { BatchIndexEntry } from "./types";

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

  it("660k batches (a 24 h run): seven columns of at most 100 B a batch, found by search as by looking at every batch", () => {
    const n = 660_000;
    const entries = longRunEntries(n);
    const builder = new BatchIndexBuilder();
    for (const e of entries)
      builder.add(e.index, e.firstRow, e.rows, e.tsFirst, e.tsLast, e.byteOffset!, e.byteLength!);
    // Seven float64 columns of capacity 2^20: 56 MiB, 89 B per batch (an object per batch: 136-202 B;
    // npm run bench:analysis measures both, and the search against the filter).
    expect(builder.capacityBytes / n).toBeLessThanOrEqual(100);
    const index: BatchIndex = builder.index();
    expect(batchCount(index)).toBe(n);
    const last = entries[n - 1].tsLast;
    for (let k = 0; k < 40; k++) {
      const t0 = ((k * 7919) % 40) * (last / 40);
      expect(coveringEntries(index, t0, t0 + 5e8)).toEqual(coveringByFilter(entries, t0, t0 + 5e8));
    }
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
