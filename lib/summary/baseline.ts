/**
 * The busy-loop time without interruption, estimated robustly: the half-sample mode (Bickel & Frühwirth
 * 2006) of an evenly spaced subsample (16,384 of the first ~1M durations). It finds the densest cluster, which for a tick run is the
 * uninterrupted loop (most loops see no interrupt), and unlike the minimum it is not moved by a few
 * outliers below it (on a VM the minimum can be one).
 */
export interface BaselineEstimate {
  ns: number;
  /** Robust standard deviation of the cluster: 1.4826 × the median absolute deviation from `ns`. */
  spreadNs: number;
  /** How many durations the estimate used. */
  sampled: number;
}

const MAX_SUBSAMPLE = 1 << 14;

export function halfSampleMode(sorted: Float64Array): number {
  let lo = 0;
  let hi = sorted.length;
  while (hi - lo > 3) {
    const half = Math.ceil((hi - lo) / 2);
    let best = Infinity;
    let at = lo;
    for (let i = lo; i + half <= hi; i++) {
      const width = sorted[i + half - 1] - sorted[i];
      if (width < best) {
        best = width;
        at = i;
      }
    }
    lo = at;
    hi = at + half;
  }
  if (hi - lo === 3) {
    const a = sorted[lo + 1] - sorted[lo];
    const b = sorted[lo + 2] - sorted[lo + 1];
    if (a < b) return (sorted[lo] + sorted[lo + 1]) / 2;
    if (b < a) return (sorted[lo + 1] + sorted[lo + 2]) / 2;
    return sorted[lo + 1];
  }
  if (hi - lo === 2) return (sorted[lo] + sorted[lo + 1]) / 2;
  return sorted[lo];
}

/** Estimates the baseline from durations (arrays of a run's first batches). */
export function estimateBaseline(chunks: ArrayLike<number>[]): BaselineEstimate {
  return sampleAndEstimate(chunks).estimate;
}

/**
 * The estimate, with the sorted evenly spaced subsample it came from and its stride (each sampled
 * duration stands for `stride` of them), for other estimates on the same sample.
 */
export function sampleAndEstimate(chunks: ArrayLike<number>[]): {
  estimate: BaselineEstimate;
  sorted: Float64Array;
  stride: number;
} {
  const total = chunks.reduce((n, c) => n + c.length, 0);
  if (total === 0)
    return { estimate: { ns: NaN, spreadNs: NaN, sampled: 0 }, sorted: new Float64Array(0), stride: 1 };
  const stride = Math.max(1, Math.floor(total / MAX_SUBSAMPLE));
  const picked = new Float64Array(Math.ceil(total / stride));
  let n = 0;
  let seen = 0;
  for (const chunk of chunks) {
    for (let i = (stride - (seen % stride)) % stride; i < chunk.length; i += stride) picked[n++] = chunk[i];
    seen += chunk.length;
  }
  const sorted = picked.subarray(0, n).sort();
  const mode = halfSampleMode(sorted);
  const deviations = sorted.map((v) => Math.abs(v - mode)).sort();
  const mad = deviations[deviations.length >> 1];
  return { estimate: { ns: mode, spreadNs: 1.4826 * mad, sampled: n }, sorted, stride };
}
