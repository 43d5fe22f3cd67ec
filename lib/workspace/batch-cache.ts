/**
 * A run's decoded record batches, most recently used last: raw windows finer than the summary's
 * pyramid fetch only the batches they cover (by the summary's batch index) and reuse them while panning.
 */
import type { RandomAccessSource } from "../format/byte-source";
import { openRun, readBatchesAt, type RunHandle, type SampleBatch } from "../format/run-reader";
import { batchesCovering, type RunSummary } from "../summary";

const CACHED_BATCHES = 6;

export class BatchCache {
  private readonly cache = new Map<number, SampleBatch>();
  /** The run's schema, read once (not per window: its footer lists every batch). */
  private opened: Promise<RunHandle> | null = null;

  constructor(
    private readonly file: string,
    private readonly source: RandomAccessSource,
    private readonly summary: RunSummary,
  ) {}

  /** The batches holding samples in [t0, t1), fetched when not cached. */
  async covering(t0: number, t1: number): Promise<SampleBatch[]> {
    const wanted = batchesCovering(this.summary, t0, t1);
    const missing = wanted.filter((entry) => !this.cache.has(entry.index));
    if (missing.some((entry) => entry.byteOffset === null || entry.byteLength === null))
      throw new Error(`${this.file}: no batch offsets to fetch a raw window from`);
    if (missing.length) {
      const locations = missing.map((entry) => ({
        index: entry.index,
        firstRow: entry.firstRow,
        byteOffset: entry.byteOffset!,
        byteLength: entry.byteLength!,
      }));
      this.opened ??= openRun(this.source, this.file);
      const opened = await this.opened.catch((error) => {
        this.opened = null;
        throw error;
      });
      for await (const batch of readBatchesAt(this.source, this.file, locations, undefined, opened))
        this.cache.set(batch.index, batch);
    }
    const batches = wanted.map((entry) => {
      const batch = this.cache.get(entry.index)!;
      this.cache.delete(entry.index);
      this.cache.set(entry.index, batch);
      return batch;
    });
    while (this.cache.size > Math.max(CACHED_BATCHES, wanted.length))
      this.cache.delete(this.cache.keys().next().value!);
    return batches;
  }
}
