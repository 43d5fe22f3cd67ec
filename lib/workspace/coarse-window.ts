/**
 * The pyramid's coarse levels, which the page keeps (a few hundred KB a run) so that a zoom or a pan
 * draws at once from them where the last exact answer does not reach, until the worker's exact answer
 * for the new window arrives. Their columns are the exact min and max of buckets at most two pixels
 * wide: every spike is still drawn, at most a pixel from where it is.
 */
import { m4, type Pyramid } from "../summary";
import type { WindowColumns } from "./types";

/** The levels kept in the page: those of at most this many buckets. */
export const COARSE_BUCKETS = 1 << 13;

export function coarseLevels(pyramid: Pyramid, most = COARSE_BUCKETS): Pyramid {
  const levels = pyramid.levels
    .filter((level) => level.size <= most)
    .map((level) => ({
      widthNs: level.widthNs,
      size: level.size,
      count: level.count.slice(0, level.size),
      min: level.min.slice(0, level.size),
      minTs: level.minTs.slice(0, level.size),
      max: level.max.slice(0, level.size),
      maxTs: level.maxTs.slice(0, level.size),
      first: level.first.slice(0, level.size),
      firstTs: level.firstTs.slice(0, level.size),
      last: level.last.slice(0, level.size),
      lastTs: level.lastTs.slice(0, level.size),
    }));
  return { originNs: pyramid.originNs, levels };
}

/** Columns of [t0, t1) from the coarse levels, or null when even the finest is wider than two pixels. */
export function coarseWindow(
  pyramid: Pyramid,
  t0: number,
  t1: number,
  columns: number,
): WindowColumns | null {
  const finest = pyramid.levels[0];
  if (!finest || finest.widthNs > (2 * (t1 - t0)) / columns) return null;
  const m = m4({ pyramid, offsetNs: 0 }, t0, t1, columns, { offsetNs: 0 });
  let samples = 0;
  for (let i = 0; i < columns; i++) samples += m.count[i];
  return {
    t0,
    t1,
    start: m.edges.slice(0, columns),
    min: m.min,
    max: m.max,
    minTs: m.minTs,
    maxTs: m.maxTs,
    count: m.count,
    raw: null,
    source: "coarse",
    samples,
  };
}
