/**
 * A run's histogram regrouped for a log axis, in duration or overhead: equal log-width bins, each
 * summary bucket's count shared among the bins it overlaps (so bins finer than a bucket do not leave
 * a comb of empty bins). Summary buckets are recorded less the histogram's shift; it is added back here.
 */
import { bucketLower, bucketWidth, type LogHistogram } from "../summary/histogram";

export interface HistogramBins {
  /** Bin edges in the chosen kind (ns): bin i covers [lower[i], upper[i]). */
  lower: number[];
  upper: number[];
  counts: number[];
  /** Samples under 1 ns in the chosen kind (at or under the baseline, for overhead): a log axis cannot show them. */
  belowOne: number;
  /** The centre of the fullest bin (ns), or NaN when nothing is drawn. */
  modeNs: number;
}

export const BINS_PER_DECADE = 100;

/** The bucket's value range in the recorded values: bucket 0 also holds everything below the shift. */
function bucketRange(h: LogHistogram, index: number): [number, number] {
  if (index === 0 && h.shiftNs > 0) return [Math.min(h.min, h.shiftNs), h.shiftNs + 1];
  const lo = h.shiftNs + bucketLower(index);
  return [lo, lo + bucketWidth(index)];
}

export function histogramBins(h: LogHistogram, offsetNs = 0, binsPerDecade = BINS_PER_DECADE): HistogramBins {
  const bins = new Map<number, number>();
  const add = (bin: number, count: number) => bins.set(bin, (bins.get(bin) ?? 0) + count);
  const edge = (bin: number) => 10 ** (bin / binsPerDecade);
  let belowOne = 0;
  for (let i = 0; i < h.counts.length; i++) {
    const count = h.counts[i];
    if (!count) continue;
    // The bucket as an even spread over [lo, hi) in the chosen kind.
    const [lo, hi] = bucketRange(h, i).map((v) => v - offsetNs);
    const start = Math.max(lo, 1);
    if (hi <= start) {
      belowOne += count;
      continue;
    }
    const perNs = count / (hi - lo);
    belowOne += (start - lo) * perNs;
    const first = Math.floor(Math.log10(start) * binsPerDecade);
    for (let b = first; edge(b) < hi; b++)
      add(b, (Math.min(hi, edge(b + 1)) - Math.max(start, edge(b))) * perNs);
  }
  const keys = [...bins.keys()].filter((k) => bins.get(k)! > 0).sort((a, b) => a - b);
  let modeNs = NaN;
  let best = 0;
  for (const k of keys)
    if (bins.get(k)! > best) {
      best = bins.get(k)!;
      modeNs = 10 ** ((k + 0.5) / binsPerDecade);
    }
  return {
    lower: keys.map(edge),
    upper: keys.map((k) => edge(k + 1)),
    counts: keys.map((k) => bins.get(k)!),
    belowOne: Math.round(belowOne),
    modeNs,
  };
}
