/**
 * M4 (min, max, first, last per pixel column; Jugel et al., VLDB 2014) of a time window. From the
 * pyramid it is exact at pixel resolution because column edges are snapped to the buckets of the
 * finest level no wider than a pixel: the edges are returned, and `m4FromSamples` over raw samples
 * with the same edges gives the same numbers. When even level 0 is wider than a pixel, `rawNeeded`
 * says so: fetch the batches of `batchesCovering` and use `m4FromSamples`.
 */
import type { SampleBatch } from "../format/run-reader";
import { coveringEntries } from "./batch-index";
import type { PyramidLevel } from "./pyramid";
import type { BatchIndexEntry, RunSummary } from "./types";

export interface M4Columns {
  /** columns + 1 edges, non-decreasing; column i holds samples with edges[i] ≤ ts < edges[i+1]. */
  edges: Float64Array;
  /** Subtracted from every duration (the run's baseline for tick runs, so values are overheads). */
  offsetNs: number;
  count: Float64Array;
  /** Values are duration − offsetNs; NaN in empty columns. */
  min: Float64Array;
  minTs: Float64Array;
  max: Float64Array;
  maxTs: Float64Array;
  first: Float64Array;
  firstTs: Float64Array;
  last: Float64Array;
  lastTs: Float64Array;
}

export interface M4Result extends M4Columns {
  /** Bucket width of the pyramid level used. */
  bucketNs: number;
  level: number;
  /** True when level-0 buckets are wider than a pixel: raw samples would show more. */
  rawNeeded: boolean;
}

function emptyColumns(edges: Float64Array, offsetNs: number): M4Columns {
  const n = edges.length - 1;
  const nan = () => new Float64Array(n).fill(NaN);
  return {
    edges,
    offsetNs,
    count: new Float64Array(n),
    min: nan(),
    minTs: nan(),
    max: nan(),
    maxTs: nan(),
    first: nan(),
    firstTs: nan(),
    last: nan(),
    lastTs: nan(),
  };
}

/** Column edges for [t0, t1) snapped to a level's bucket boundaries, and the level chosen. */
export function m4Edges(
  summary: Pick<RunSummary, "pyramid">,
  t0: number,
  t1: number,
  columns: number,
): { edges: Float64Array; level: number; bucketNs: number; rawNeeded: boolean } {
  const { originNs, levels } = summary.pyramid;
  const pixel = (t1 - t0) / columns;
  let level = 0;
  while (level + 1 < levels.length && levels[level + 1].widthNs <= pixel) level++;
  const width = levels[level].widthNs;
  const edges = new Float64Array(columns + 1);
  for (let i = 0; i < columns; i++)
    edges[i] = originNs + Math.floor((t0 + i * pixel - originNs) / width) * width;
  edges[columns] = originNs + Math.ceil((t1 - originNs) / width) * width;
  for (let i = 1; i <= columns; i++) if (edges[i] < edges[i - 1]) edges[i] = edges[i - 1];
  return { edges, level, bucketNs: width, rawNeeded: levels[0].widthNs > pixel };
}

function mergeInto(c: M4Columns, i: number, l: PyramidLevel, k: number, offset: number): void {
  const n = l.count[k];
  if (n === 0) return;
  if (c.count[i] === 0) {
    c.min[i] = l.min[k] - offset;
    c.minTs[i] = l.minTs[k];
    c.max[i] = l.max[k] - offset;
    c.maxTs[i] = l.maxTs[k];
    c.first[i] = l.first[k] - offset;
    c.firstTs[i] = l.firstTs[k];
  } else {
    if (l.min[k] - offset < c.min[i]) {
      c.min[i] = l.min[k] - offset;
      c.minTs[i] = l.minTs[k];
    }
    if (l.max[k] - offset > c.max[i]) {
      c.max[i] = l.max[k] - offset;
      c.maxTs[i] = l.maxTs[k];
    }
  }
  c.count[i] += n;
  c.last[i] = l.last[k] - offset;
  c.lastTs[i] = l.lastTs[k];
}

/** M4 of [t0, t1) in `columns` columns from the summary's pyramid. */
export function m4(
  summary: Pick<RunSummary, "pyramid" | "offsetNs">,
  t0: number,
  t1: number,
  columns: number,
  options: { offsetNs?: number } = {},
): M4Result {
  const offsetNs = options.offsetNs ?? summary.offsetNs;
  const { edges, level, bucketNs, rawNeeded } = m4Edges(summary, t0, t1, columns);
  const out = emptyColumns(edges, offsetNs);
  const l = summary.pyramid.levels[level];
  const origin = summary.pyramid.originNs;
  for (let i = 0; i < columns; i++) {
    const from = Math.max(0, Math.round((edges[i] - origin) / bucketNs));
    const to = Math.min(l.size, Math.round((edges[i + 1] - origin) / bucketNs));
    for (let k = from; k < to; k++) mergeInto(out, i, l, k, offsetNs);
  }
  return { ...out, bucketNs, level, rawNeeded };
}

/**
 * The batches whose samples overlap [t0, t1), in order: what to fetch for a raw window. Found by binary
 * search in the batch index's columns (a 24 h run has 660k batches), not by looking at every one.
 */
export function batchesCovering(
  summary: Pick<RunSummary, "batches">,
  t0: number,
  t1: number,
): BatchIndexEntry[] {
  return coveringEntries(summary.batches, t0, t1);
}

/**
 * M4 over raw samples with given column edges (e.g. `m4Edges`' or evenly spaced ones): the same
 * shape as `m4`, by brute force over the batches' samples.
 */
export function m4FromSamples(batches: Iterable<SampleBatch>, edges: Float64Array, offsetNs = 0): M4Columns {
  const out = emptyColumns(edges, offsetNs);
  const columns = edges.length - 1;
  const lo = edges[0];
  const hi = edges[columns];
  const { count, min, minTs, max, maxTs, first, firstTs, last, lastTs } = out;
  for (const batch of batches) {
    const { ts, duration } = batch;
    const n = ts.length;
    if (!n || ts[n - 1] < lo || ts[0] >= hi) continue;
    // First sample at or after lo (timestamps are sorted).
    let a = 0;
    let b = n;
    while (a < b) {
      const m = (a + b) >> 1;
      if (ts[m] < lo) a = m + 1;
      else b = m;
    }
    // One column at a time: its state in locals, written out when the column ends.
    let i = a;
    let col = 0;
    while (i < n && ts[i] < hi) {
      while (ts[i] >= edges[col + 1]) col++;
      const end = edges[col + 1];
      let t = ts[i];
      let v = duration[i] - offsetNs;
      const c = count[col];
      let mn = c ? min[col] : v;
      let mnT = c ? minTs[col] : t;
      let mx = c ? max[col] : v;
      let mxT = c ? maxTs[col] : t;
      if (!c) {
        first[col] = v;
        firstTs[col] = t;
      }
      const from = i;
      for (; i < n; i++) {
        t = ts[i];
        if (t >= end) break;
        v = duration[i] - offsetNs;
        if (v < mn) {
          mn = v;
          mnT = t;
        } else if (v > mx) {
          mx = v;
          mxT = t;
        }
      }
      count[col] = c + (i - from);
      min[col] = mn;
      minTs[col] = mnT;
      max[col] = mx;
      maxTs[col] = mxT;
      last[col] = duration[i - 1] - offsetNs;
      lastTs[col] = ts[i - 1];
    }
  }
  return out;
}

/** Evenly spaced edges for a raw window (no snapping needed when every sample is at hand). */
export function evenEdges(t0: number, t1: number, columns: number): Float64Array {
  const edges = new Float64Array(columns + 1);
  for (let i = 0; i <= columns; i++) edges[i] = t0 + ((t1 - t0) * i) / columns;
  return edges;
}
