/**
 * Where each record batch of a run sits, as columns: one Float64Array per field, so that a 24 h run's
 * 660k batches are seven arrays (no object per batch for the collector, the run worker or the
 * garbage collector to hold), saved and checkpointed as binary, and searched by time in O(log n).
 */
import type { BatchIndexEntry } from "./types";

/** The batch index of a run: entry i is the i-th value of every column. Plain data (structured-cloneable). */
export interface BatchIndex {
  index: Float64Array;
  firstRow: Float64Array;
  rows: Float64Array;
  /** NaN for a batch without samples. */
  tsFirst: Float64Array;
  tsLast: Float64Array;
  /** Offset and length of the batch's IPC message in the run file; NaN when not known. */
  byteOffset: Float64Array;
  byteLength: Float64Array;
  /**
   * True when the batches with samples follow each other in time (each one's first ≤ its last ≤ the
   * next one's first): then `covering` finds a window's batches by binary search.
   */
  ordered: boolean;
}

const COLUMNS = ["index", "firstRow", "rows", "tsFirst", "tsLast", "byteOffset", "byteLength"] as const;

export function batchCount(batches: BatchIndex): number {
  return batches.rows.length;
}

export function batchEntry(batches: BatchIndex, i: number): BatchIndexEntry {
  const offset = batches.byteOffset[i];
  const length = batches.byteLength[i];
  return {
    index: batches.index[i],
    firstRow: batches.firstRow[i],
    rows: batches.rows[i],
    tsFirst: batches.tsFirst[i],
    tsLast: batches.tsLast[i],
    byteOffset: Number.isNaN(offset) ? null : offset,
    byteLength: Number.isNaN(length) ? null : length,
  };
}

/** Entries `from` ≤ i < `to` (the whole index by default), as objects: for a few, not for all of a long run. */
export function batchEntries(batches: BatchIndex, from = 0, to = batchCount(batches)): BatchIndexEntry[] {
  const entries: BatchIndexEntry[] = [];
  for (let i = from; i < to; i++) entries.push(batchEntry(batches, i));
  return entries;
}

/**
 * The first i in [from, to) whose next batch with samples (i itself, or the first after it) has a value
 * ≥ t in `column`; `to` when none. `column` is tsFirst or tsLast of an ordered index, where that value
 * does not decrease with i (batches without samples, NaN, are passed over).
 */
function firstAtOrAfter(column: Float64Array, t: number, from: number, to: number): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    let k = mid;
    while (k < to && Number.isNaN(column[k])) k++;
    if (k === to || column[k] >= t) hi = mid;
    else lo = k + 1;
  }
  return lo;
}

/** The batches whose samples overlap [t0, t1), in order. */
export function coveringEntries(batches: BatchIndex, t0: number, t1: number): BatchIndexEntry[] {
  const n = batchCount(batches);
  const { rows, tsFirst, tsLast } = batches;
  const overlaps = (i: number) => rows[i] > 0 && tsLast[i] >= t0 && tsFirst[i] < t1;
  let from = 0;
  let to = n;
  if (batches.ordered) {
    from = firstAtOrAfter(tsLast, t0, 0, n);
    to = firstAtOrAfter(tsFirst, t1, from, n);
  }
  const found: BatchIndexEntry[] = [];
  for (let i = from; i < to; i++) if (overlaps(i)) found.push(batchEntry(batches, i));
  return found;
}

/** A batch index that is added to as a run is read: its columns grow by doubling. */
export class BatchIndexBuilder {
  private columns: Float64Array[];
  private length = 0;
  private ordered = true;
  /** The last tsLast of a batch with samples: the next one must not start before it to stay ordered. */
  private lastTs = -Infinity;

  constructor(capacity = 64) {
    this.columns = COLUMNS.map(() => new Float64Array(capacity));
  }

  /** A builder holding `batches` (copied), to add the batches that follow. */
  static from(batches: BatchIndex): BatchIndexBuilder {
    const n = batchCount(batches);
    const builder = new BatchIndexBuilder(Math.max(64, n));
    COLUMNS.forEach((name, c) => builder.columns[c].set(batches[name].subarray(0, n)));
    builder.length = n;
    builder.ordered = batches.ordered;
    for (let i = n - 1; i >= 0; i--)
      if (batches.rows[i] > 0) {
        builder.lastTs = batches.tsLast[i];
        break;
      }
    return builder;
  }

  /** An index of entries (the form summaries and checkpoints kept before the columns). */
  static fromEntries(entries: readonly BatchIndexEntry[]): BatchIndexBuilder {
    const builder = new BatchIndexBuilder(Math.max(64, entries.length));
    for (const e of entries)
      builder.add(e.index, e.firstRow, e.rows, e.tsFirst, e.tsLast, e.byteOffset ?? NaN, e.byteLength ?? NaN);
    return builder;
  }

  add(
    index: number,
    firstRow: number,
    rows: number,
    tsFirst: number,
    tsLast: number,
    byteOffset: number,
    byteLength: number,
  ): void {
    if (this.length === this.columns[0].length) {
      this.columns = this.columns.map((column) => {
        const grown = new Float64Array(Math.max(64, 2 * column.length));
        grown.set(column);
        return grown;
      });
    }
    const i = this.length++;
    const [ix, fr, rw, tf, tl, bo, bl] = this.columns;
    ix[i] = index;
    fr[i] = firstRow;
    rw[i] = rows;
    tf[i] = tsFirst;
    tl[i] = tsLast;
    bo[i] = byteOffset;
    bl[i] = byteLength;
    if (rows > 0) {
      if (!(tsFirst >= this.lastTs && tsLast >= tsFirst)) this.ordered = false;
      this.lastTs = tsLast;
    }
  }

  get count(): number {
    return this.length;
  }

  /** The memory its columns take (their capacity). */
  get capacityBytes(): number {
    return this.columns.reduce((n, column) => n + column.byteLength, 0);
  }

  /** The index so far: views of the builder's columns (valid until the next `add`), or copies. */
  index({ copy = false }: { copy?: boolean } = {}): BatchIndex {
    const n = this.length;
    const [index, firstRow, rows, tsFirst, tsLast, byteOffset, byteLength] = this.columns.map((column) =>
      copy ? column.slice(0, n) : column.subarray(0, n),
    );
    return { index, firstRow, rows, tsFirst, tsLast, byteOffset, byteLength, ordered: this.ordered };
  }
}

/** A saved index as columns: those of today's files as they are, the entries of older files converted. */
export function batchIndexOf(stored: BatchIndex | readonly BatchIndexEntry[]): BatchIndex {
  return Array.isArray(stored)
    ? BatchIndexBuilder.fromEntries(stored as readonly BatchIndexEntry[]).index({ copy: true })
    : (stored as BatchIndex);
}

export function emptyBatchIndex(): BatchIndex {
  return new BatchIndexBuilder(0).index({ copy: true });
}
