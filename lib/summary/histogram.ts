/**
 * A log-linear histogram of non-negative integer nanoseconds, HdrHistogram style: values below 256 are
 * exact, above that each power of two is cut into 128 linear buckets, so a bucket spans at most 1/128
 * of its lower bound and the midpoint it reports is within 0.4% of every value in it.
 *
 * Values are recorded less `shiftNs` (an integer just below the run's baseline cluster), so the
 * relative error applies to the part above the shift: a tick run's small overheads keep ~30 ns
 * resolution instead of 0.4% of the whole 68 µs loop. Values below the shift (rare outliers under
 * the baseline) fall into bucket 0, where they are reported as the exact minimum.
 */
export const SUB_BUCKET_BITS = 7;
const SUB = 1 << SUB_BUCKET_BITS;
const EXACT_BELOW = SUB * 2;
/** Covers values up to 2^53 (the largest integer a float64 holds exactly). */
export const HISTOGRAM_BUCKETS = SUB * (53 - SUB_BUCKET_BITS) + SUB * 2;
export const HISTOGRAM_RELATIVE_ERROR = 1 / (2 * SUB);

export interface LogHistogram {
  /** Subtracted from every value before bucketing (0 for a plain histogram). */
  shiftNs: number;
  counts: Float64Array;
  total: number;
  /** Exact smallest and largest values recorded (NaN when empty). */
  min: number;
  max: number;
}

export function createHistogram(shiftNs = 0): LogHistogram {
  return { shiftNs, counts: new Float64Array(HISTOGRAM_BUCKETS), total: 0, min: NaN, max: NaN };
}

export function histogramIndex(value: number): number {
  if (value < EXACT_BELOW) return value;
  if (value < 4294967296) {
    const e = 31 - Math.clz32(value);
    return SUB * (e - SUB_BUCKET_BITS) + (value >>> (e - SUB_BUCKET_BITS));
  }
  const e = 63 - Math.clz32(Math.floor(value / 4294967296));
  return SUB * (e - SUB_BUCKET_BITS) + Math.floor(value / 2 ** (e - SUB_BUCKET_BITS));
}

export function bucketLower(index: number): number {
  if (index < EXACT_BELOW) return index;
  const e = Math.floor(index / SUB) + SUB_BUCKET_BITS - 1;
  const sub = index - SUB * (e - SUB_BUCKET_BITS);
  return sub * 2 ** (e - SUB_BUCKET_BITS);
}

export function bucketWidth(index: number): number {
  if (index < EXACT_BELOW) return 1;
  return 2 ** (Math.floor(index / SUB) - 1);
}

/** The value a bucket stands for: its midpoint, kept within the recorded min and max. */
function representative(h: LogHistogram, index: number): number {
  if (index === 0 && h.shiftNs > 0) return h.min;
  const mid = h.shiftNs + bucketLower(index) + (bucketWidth(index) - 1) / 2;
  return Math.min(h.max, Math.max(h.min, mid));
}

/** Records `count` occurrences of `value` (a non-negative integer). */
export function recordValue(h: LogHistogram, value: number, count = 1): void {
  h.counts[histogramIndex(Math.max(0, value - h.shiftNs))] += count;
  h.total += count;
  if (!(value >= h.min)) h.min = value;
  if (!(value <= h.max)) h.max = value;
}

/** The p-th percentile (0-100) by nearest rank, within HISTOGRAM_RELATIVE_ERROR; NaN when empty. */
export function percentile(h: LogHistogram, p: number): number {
  if (h.total === 0) return NaN;
  if (p >= 100) return h.max;
  if (p <= 0) return h.min;
  const rank = Math.max(1, Math.ceil((p / 100) * h.total));
  let seen = 0;
  for (let i = 0; i < h.counts.length; i++) {
    seen += h.counts[i];
    if (seen >= rank) return representative(h, i);
  }
  return h.max;
}

/** The p-th percentile of the values in [lo, hi) only (bucket resolution at the range's edges). */
export function percentileInRange(h: LogHistogram, lo: number, hi: number, p: number): number {
  const first = histogramIndex(Math.max(0, Math.ceil(lo) - h.shiftNs));
  const last = histogramIndex(Math.max(0, Math.ceil(hi) - 1 - h.shiftNs));
  let total = 0;
  for (let i = first; i <= last; i++) total += h.counts[i];
  if (total === 0) return NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (let i = first; i <= last; i++) {
    seen += h.counts[i];
    if (seen >= rank) return representative(h, i);
  }
  return representative(h, last);
}

/**
 * Per bucket, the values recorded in it or in any bucket above it: at or above its lower edge. One more
 * entry than buckets, the last 0. Every count at or above a threshold is read from here (the tables'
 * `histogram.at_or_above` too), so it is summed in one place.
 */
export function countsFromBucket(h: LogHistogram): Float64Array {
  const from = new Float64Array(h.counts.length + 1);
  for (let i = h.counts.length - 1; i >= 0; i--) from[i] = from[i + 1] + h.counts[i];
  return from;
}

/** Merges histograms recorded with the same shift. */
export function mergeHistograms(into: LogHistogram, from: LogHistogram): void {
  if (into.shiftNs !== from.shiftNs)
    throw new RangeError("histograms with different shifts cannot be merged");
  for (let i = 0; i < into.counts.length; i++) into.counts[i] += from.counts[i];
  into.total += from.total;
  if (!(from.min >= into.min)) into.min = from.min;
  if (!(from.max <= into.max)) into.max = from.max;
}
