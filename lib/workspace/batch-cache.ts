/**
 * A run's decoded record batches, most recently used last: raw windows finer than the summary's
 * pyramid fetch only the batches they cover (by the summary's batch index) and reuse them while panning.
 */
import type { RandomAccessSource } from "../format/byte-source";
import { MAX_BATCH_ROWS } from "../format/contract";
import { openRun, readBatchesAt, type RunHandle, type SampleBatch } from "../format/run-reader";
import { batchesCovering, type BatchIndexEntry, type RunSummary } from "../summary";

/**
 * Samples kept decoded (besides the batches of the window asked for): six of the largest batches, by
 * rows rather than by batches, so that a run written in small batches (the collector's streamed chunks,
 * 2^17 rows) keeps as much of its time at hand as one written in large ones.
 */
export const CACHED_ROWS = 6 * MAX_BATCH_ROWS;
/**
 * The largest batch a read ahead decodes (the collector's streamed chunks: a few ms each, between two
 * frames). A larger one (2^20 rows: 10-25 ms on a small machine) would hold up the window asked next
 * behind its decode, so it is read only when a window asks for it.
 */
export const READ_AHEAD_BATCH_ROWS = 1 << 17;
/** The most bytes fetched in one read: adjacent batches come in one read up to this. */
export const SPAN_BYTES = 32 * 1024 * 1024;

type Located = BatchIndexEntry & { byteOffset: number; byteLength: number };

/** Batches next to each other in the file, in runs of at most `most` bytes: one read each. */
export function spans(entries: Located[], most = SPAN_BYTES): Located[][] {
  const out: Located[][] = [];
  for (const entry of entries) {
    const last = out.at(-1);
    const end = last ? last.at(-1)! : null;
    const start = last ? last[0] : null;
    if (
      last &&
      end!.byteOffset + end!.byteLength === entry.byteOffset &&
      entry.byteOffset + entry.byteLength - start!.byteOffset <= most
    )
      last.push(entry);
    else out.push([entry]);
  }
  return out;
}

/** The source's bytes of one span, read once, served to the batch reader from memory. */
function spanSource(size: number, offset: number, bytes: Uint8Array): RandomAccessSource {
  return {
    size,
    read: async (at, length) => bytes.subarray(at - offset, at - offset + length),
  };
}

export class BatchCache {
  private readonly cache = new Map<number, SampleBatch>();
  private rows = 0;
  /** The batches of the last window asked for: never dropped to make room for a read ahead. */
  private current = new Set<number>();
  private ahead: Promise<void> | null = null;
  /** Batches being read now, by a window or a read ahead: a window waits for them instead of reading them again. */
  private readonly reading = new Map<number, Promise<SampleBatch | null>>();
  /** The run's schema, read once (not per window: its footer lists every batch). */
  private opened: Promise<RunHandle> | null = null;

  constructor(
    private readonly file: string,
    private readonly source: RandomAccessSource,
    private readonly summary: RunSummary,
    /** Samples kept decoded besides the last window's. */
    private readonly budget = CACHED_ROWS,
  ) {}

  /** The batches holding samples in [t0, t1), fetched when not cached (adjacent ones in one read). */
  async covering(t0: number, t1: number): Promise<SampleBatch[]> {
    const wanted = batchesCovering(this.summary, t0, t1);
    // Held here, not looked up again after the reads: a read ahead may drop them from the cache meanwhile.
    const held = new Map<number, SampleBatch>();
    for (const entry of wanted) {
      const batch = this.cache.get(entry.index);
      if (batch) held.set(entry.index, batch);
    }
    // A batch being read already is waited for (one a read ahead gives up comes back null: read below).
    await Promise.all(
      wanted
        .filter((entry) => !held.has(entry.index) && this.reading.has(entry.index))
        .map(async (entry) => {
          const batch = await this.reading.get(entry.index);
          if (batch) held.set(entry.index, batch);
        }),
    );
    const missing = wanted.filter((entry) => !held.has(entry.index));
    if (missing.some((entry) => entry.byteOffset === null || entry.byteLength === null))
      throw new Error(`${this.file}: no batch offsets to fetch a raw window from`);
    if (missing.length) {
      this.opened ??= openRun(this.source, this.file);
      const opened = await this.opened.catch((error) => {
        this.opened = null;
        throw error;
      });
      const read = await Promise.all(spans(missing as Located[]).map((span) => this.fetch(span, opened)));
      for (const batch of read.flat()) held.set(batch.index, batch);
    }
    const batches = wanted.map((entry) => this.use(held.get(entry.index)!));
    this.current = new Set(wanted.map((entry) => entry.index));
    this.trim();
    return batches;
  }

  /** Puts a batch in the cache as the most recently used. */
  private use(batch: SampleBatch): SampleBatch {
    if (this.cache.has(batch.index)) this.cache.delete(batch.index);
    else this.rows += batch.ts.length;
    this.cache.set(batch.index, batch);
    return batch;
  }

  /**
   * Reads ahead, in the background, the batches a window wide on each side of [t0, t1) (a pan's next
   * steps), when they are not held yet, none larger than READ_AHEAD_BATCH_ROWS, and cost no more rows on
   * each side than the window itself holds. It never stands in front of a window: it starts after the
   * answer in hand has gone and decodes one batch per task, so a window asked meanwhile is answered
   * between two (and waits for a batch it needs that is being read, instead of reading it again).
   * One read ahead at a time: the next waits for this one.
   */
  readAround(t0: number, t1: number): Promise<void> {
    const mine: Promise<void> = (this.ahead ?? Promise.resolve()).then(async () => {
      try {
        await nextTask();
        if (!this.opened) return;
        const handle = await this.opened;
        for (const side of this.aroundOf(t0, t1))
          for (const span of spans(side)) {
            await this.fetch(span, handle, true);
            this.trim();
          }
      } catch {
        // A read ahead that fails is only not there: the window that needs it reads it again.
      } finally {
        if (this.ahead === mine) this.ahead = null;
      }
    });
    this.ahead = mine;
    return mine;
  }

  /** The batches a window wide on each side of [t0, t1) worth reading ahead (see readAround). */
  private aroundOf(t0: number, t1: number): Located[][] {
    const width = t1 - t0;
    const rowsOf = (entries: BatchIndexEntry[]) => entries.reduce((sum, entry) => sum + entry.rows, 0);
    const inside = rowsOf(batchesCovering(this.summary, t0, t1));
    return [batchesCovering(this.summary, t0 - width, t0), batchesCovering(this.summary, t1, t1 + width)]
      .map((side) =>
        side.filter(
          (entry) =>
            entry.rows <= READ_AHEAD_BATCH_ROWS &&
            !this.cache.has(entry.index) &&
            !this.reading.has(entry.index) &&
            entry.byteOffset !== null,
        ),
      )
      .filter((side) => side.length > 0 && rowsOf(side) <= inside) as Located[][];
  }

  /** Drops the least recently used batches past the budget, never those of the last window. */
  private trim(): void {
    for (const [index, batch] of this.cache) {
      if (this.rows <= this.budget) break;
      if (this.current.has(index)) continue;
      this.cache.delete(index);
      this.rows -= batch.ts.length;
    }
  }

  /**
   * Reads a span of batches into the cache, and returns them; `paced` (a read ahead) decodes each batch
   * in a task of its own.
   */
  private async fetch(span: Located[], opened: RunHandle, paced = false): Promise<SampleBatch[]> {
    const settle = new Map<number, (batch: SampleBatch | null) => void>();
    for (const entry of span)
      this.reading.set(entry.index, new Promise((resolve) => settle.set(entry.index, resolve)));
    const read: SampleBatch[] = [];
    try {
      const offset = span[0].byteOffset;
      const end = span.at(-1)!;
      const bytes = await this.source.read(offset, end.byteOffset + end.byteLength - offset);
      const locations = span.map((entry) => ({
        index: entry.index,
        firstRow: entry.firstRow,
        byteOffset: entry.byteOffset,
        byteLength: entry.byteLength,
      }));
      const from = spanSource(this.source.size, offset, bytes);
      const batches = readBatchesAt(from, this.file, locations, undefined, opened);
      for (;;) {
        if (paced) await nextTask();
        const next = await batches.next();
        if (next.done) break;
        const batch = this.use(this.cache.get(next.value.index) ?? next.value);
        read.push(batch);
        settle.get(batch.index)?.(batch);
      }
    } finally {
      for (const entry of span) {
        settle.get(entry.index)!(null);
        this.reading.delete(entry.index);
      }
    }
    return read;
  }
}

/** Resolves in a later task: messages that came meanwhile (a window asked) are handled first. */
function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
