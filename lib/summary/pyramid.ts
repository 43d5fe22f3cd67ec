/**
 * A min/max pyramid over power-of-two time buckets (Perfetto's counter mipmaps): every bucket keeps
 * its sample count, min and max with their timestamps (first occurrence on ties), and its first and
 * last sample, so that M4 (Jugel et al., VLDB 2014) of columns snapped to bucket edges is exact.
 * Bucket k of a level covers [origin + k·width, origin + (k+1)·width). Level 0 starts as fine as the
 * run allows and doubles its width (merging pairs) whenever the run would need more than `cap`
 * buckets, so memory stays bounded whatever the run's length.
 */
export interface PyramidLevel {
  widthNs: number;
  size: number;
  count: Float64Array;
  min: Float64Array;
  minTs: Float64Array;
  max: Float64Array;
  maxTs: Float64Array;
  first: Float64Array;
  firstTs: Float64Array;
  last: Float64Array;
  lastTs: Float64Array;
}

export interface Pyramid {
  originNs: number;
  /** Finest first; each level has buckets twice as wide as the one below, the last has one bucket. */
  levels: PyramidLevel[];
}

export const DEFAULT_PYRAMID_BUCKETS = 1 << 17;

export interface PyramidSnapshot {
  level: PyramidLevel;
  origin: number;
  used: number;
}

export function createLevel(widthNs: number, size: number): PyramidLevel {
  const level = {
    // A double from the start (see SummaryBuilder): widths grow past small-integer range.
    widthNs: NaN,
    size,
    count: new Float64Array(size),
    min: new Float64Array(size),
    minTs: new Float64Array(size),
    max: new Float64Array(size),
    maxTs: new Float64Array(size),
    first: new Float64Array(size),
    firstTs: new Float64Array(size),
    last: new Float64Array(size),
    lastTs: new Float64Array(size),
  };
  level.widthNs = widthNs;
  return level;
}

/** Merges bucket `j` of `from` into bucket `k` of `to`; `from`'s samples come later in time. */
export function mergeBucket(to: PyramidLevel, k: number, from: PyramidLevel, j: number): void {
  const n = from.count[j];
  if (n === 0) return;
  if (to.count[k] === 0) {
    to.count[k] = n;
    to.min[k] = from.min[j];
    to.minTs[k] = from.minTs[j];
    to.max[k] = from.max[j];
    to.maxTs[k] = from.maxTs[j];
    to.first[k] = from.first[j];
    to.firstTs[k] = from.firstTs[j];
  } else {
    to.count[k] += n;
    if (from.min[j] < to.min[k]) {
      to.min[k] = from.min[j];
      to.minTs[k] = from.minTs[j];
    }
    if (from.max[j] > to.max[k]) {
      to.max[k] = from.max[j];
      to.maxTs[k] = from.maxTs[j];
    }
  }
  to.last[k] = from.last[j];
  to.lastTs[k] = from.lastTs[j];
}

/** Level 0 under construction: the summary's hot loop hands it one finished bucket at a time. */
export class PyramidBuilder {
  level: PyramidLevel;
  origin = NaN;
  private used = 0;

  constructor(private readonly cap = DEFAULT_PYRAMID_BUCKETS) {
    this.level = createLevel(1, cap);
  }

  get widthNs(): number {
    return this.level.widthNs;
  }

  /** Its whole state, copied (for a checkpoint of a summary in progress). */
  /** `copy: false`: the live level, valid until the builder is next given samples. */
  snapshot(copy = true): PyramidSnapshot {
    const state = { level: this.level, origin: this.origin, used: this.used };
    return copy ? structuredClone(state) : state;
  }

  /** Continues from a snapshot: as if it had never stopped. */
  restore(snapshot: PyramidSnapshot): void {
    const copy = structuredClone(snapshot);
    this.level = copy.level;
    this.origin = copy.origin;
    this.used = copy.used;
  }

  /** Sets the origin (the run's first timestamp) and widens level 0 until `lastTs` fits. */
  reach(firstTs: number, lastTs: number): void {
    if (Number.isNaN(this.origin)) this.origin = firstTs;
    while (Math.floor((lastTs - this.origin) / this.level.widthNs) >= this.cap) {
      if (this.used === 0) this.level.widthNs *= 2;
      else this.double();
    }
  }

  /** Doubles the bucket width in place: bucket k takes buckets 2k and 2k+1. */
  private double(): void {
    const l = this.level;
    const { count, min, minTs, max, maxTs, first, firstTs, last, lastTs } = l;
    const used = Math.ceil(this.used / 2);
    for (let k = 0; k < used; k++) {
      const a = 2 * k;
      const b = a + 1;
      count[k] = count[a];
      min[k] = min[a];
      minTs[k] = minTs[a];
      max[k] = max[a];
      maxTs[k] = maxTs[a];
      first[k] = first[a];
      firstTs[k] = firstTs[a];
      last[k] = last[a];
      lastTs[k] = lastTs[a];
      if (b < this.used && count[b] > 0) {
        if (count[k] === 0) {
          min[k] = min[b];
          minTs[k] = minTs[b];
          max[k] = max[b];
          maxTs[k] = maxTs[b];
          first[k] = first[b];
          firstTs[k] = firstTs[b];
        } else {
          if (min[b] < min[k]) {
            min[k] = min[b];
            minTs[k] = minTs[b];
          }
          if (max[b] > max[k]) {
            max[k] = max[b];
            maxTs[k] = maxTs[b];
          }
        }
        count[k] += count[b];
        last[k] = last[b];
        lastTs[k] = lastTs[b];
      }
    }
    for (const array of [count, min, minTs, max, maxTs, first, firstTs, last, lastTs])
      array.fill(0, used, this.used);
    l.widthNs *= 2;
    this.used = used;
  }

  /** Adds one bucket's worth of consecutive samples (they may continue a bucket begun earlier). */
  add(
    k: number,
    count: number,
    min: number,
    minTs: number,
    max: number,
    maxTs: number,
    first: number,
    firstTs: number,
    last: number,
    lastTs: number,
  ): void {
    const l = this.level;
    if (l.count[k] === 0) {
      l.count[k] = count;
      l.min[k] = min;
      l.minTs[k] = minTs;
      l.max[k] = max;
      l.maxTs[k] = maxTs;
      l.first[k] = first;
      l.firstTs[k] = firstTs;
    } else {
      l.count[k] += count;
      if (min < l.min[k]) {
        l.min[k] = min;
        l.minTs[k] = minTs;
      }
      if (max > l.max[k]) {
        l.max[k] = max;
        l.maxTs[k] = maxTs;
      }
    }
    l.last[k] = last;
    l.lastTs[k] = lastTs;
    if (k >= this.used) this.used = k + 1;
  }

  /** The pyramid; `upperLevels: false` gives level 0 alone (views, nothing allocated). */
  finish(upperLevels = true): Pyramid {
    const size = Math.max(1, this.used);
    const origin = Number.isNaN(this.origin) ? 0 : this.origin;
    const level0 = trimLevel(this.level, size);
    return upperLevels ? buildPyramid(origin, level0) : { originNs: origin, levels: [level0] };
  }
}

/** The first `size` buckets of a level, as views (no copy). */
export function trimLevel(level: PyramidLevel, size: number): PyramidLevel {
  return {
    widthNs: level.widthNs,
    size,
    count: level.count.subarray(0, size),
    min: level.min.subarray(0, size),
    minTs: level.minTs.subarray(0, size),
    max: level.max.subarray(0, size),
    maxTs: level.maxTs.subarray(0, size),
    first: level.first.subarray(0, size),
    firstTs: level.firstTs.subarray(0, size),
    last: level.last.subarray(0, size),
    lastTs: level.lastTs.subarray(0, size),
  };
}

/** The level above: bucket k merges buckets 2k and 2k+1 of `below`. */
function mergePairs(below: PyramidLevel): PyramidLevel {
  const size = Math.ceil(below.size / 2);
  const up = createLevel(below.widthNs * 2, size);
  const { count, min, minTs, max, maxTs, first, firstTs, last, lastTs } = below;
  for (let k = 0; k < size; k++) {
    const a = 2 * k;
    const b = a + 1 < below.size && count[a + 1] > 0 ? a + 1 : -1;
    if (count[a] > 0) {
      up.count[k] = count[a];
      up.min[k] = min[a];
      up.minTs[k] = minTs[a];
      up.max[k] = max[a];
      up.maxTs[k] = maxTs[a];
      up.first[k] = first[a];
      up.firstTs[k] = firstTs[a];
      up.last[k] = last[a];
      up.lastTs[k] = lastTs[a];
      if (b >= 0) {
        up.count[k] += count[b];
        if (min[b] < min[a]) {
          up.min[k] = min[b];
          up.minTs[k] = minTs[b];
        }
        if (max[b] > max[a]) {
          up.max[k] = max[b];
          up.maxTs[k] = maxTs[b];
        }
        up.last[k] = last[b];
        up.lastTs[k] = lastTs[b];
      }
    } else if (b >= 0) {
      up.count[k] = count[b];
      up.min[k] = min[b];
      up.minTs[k] = minTs[b];
      up.max[k] = max[b];
      up.maxTs[k] = maxTs[b];
      up.first[k] = first[b];
      up.firstTs[k] = firstTs[b];
      up.last[k] = last[b];
      up.lastTs[k] = lastTs[b];
    }
  }
  return up;
}

/** The upper levels, each merging pairs of the one below, up to a single bucket. */
export function buildPyramid(originNs: number, level0: PyramidLevel): Pyramid {
  const levels = [level0];
  while (levels[levels.length - 1].size > 1) levels.push(mergePairs(levels[levels.length - 1]));
  return { originNs, levels };
}
