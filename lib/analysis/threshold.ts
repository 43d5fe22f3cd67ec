/**
 * How many samples reach a threshold, exactly, from the run's histogram. A histogram bucket's count
 * is exact only at the bucket's edges, so the count is taken from the first edge at or above the
 * threshold asked for, and that edge is returned with the count: "N samples at or above <from>".
 * (Samples are integer nanoseconds; buckets near the baseline are 1 ns wide, so the edge is usually
 * the threshold itself.) The summary's spike list is not used: its floor is its own and doubles when
 * the list is full.
 */
import { bucketLower, countsFromBucket, histogramIndex } from "../summary/histogram";
import type { RunSummary } from "../summary";
import { formatDuration } from "./units";
import { kindOffset, type ValueKind } from "./value-kind";

/** A threshold (or the histogram edge it is counted from) as written everywhere: in the field, on the charts, in exports. */
export function formatThreshold(ns: number): string {
  return formatDuration(ns, 5);
}

export interface ThresholdCount {
  /** Samples at or above `fromNs`. */
  count: number;
  /** Where the count starts, in the chosen kind: the threshold itself or the next histogram edge above it. */
  fromNs: number;
  /** The threshold asked for, in the chosen kind. */
  thresholdNs: number;
}

export function samplesAtOrAbove(
  summary: Pick<RunSummary, "histogram" | "offsetNs">,
  thresholdNs: number,
  kind: ValueKind,
): ThresholdCount {
  const h = summary.histogram;
  const offset = kindOffset(summary.offsetNs, kind);
  const wanted = Math.ceil(thresholdNs + offset);
  // Samples are integers: "at or above the threshold" and "at or above its ceiling" are the same samples.
  const result = (count: number, fromDuration: number) => ({
    count,
    fromNs: fromDuration === wanted ? thresholdNs : fromDuration - offset,
    thresholdNs,
  });
  if (h.total === 0 || wanted > h.max) return result(0, wanted);
  if (wanted <= h.min) return result(h.total, wanted);
  // Bucket 0 holds every value at or below the shift; bucket i >= 1 starts at shift + bucketLower(i).
  let index = wanted <= h.shiftNs ? 1 : histogramIndex(wanted - h.shiftNs);
  if (h.shiftNs + bucketLower(index) < wanted) index++;
  return result(countsFromBucket(h)[index], h.shiftNs + bucketLower(index));
}

/** The run's own threshold (the summary's spike floor), in the chosen kind. */
export function ownThreshold(summary: Pick<RunSummary, "settings" | "offsetNs">, kind: ValueKind): number {
  return summary.settings.spikeThresholdNs + summary.offsetNs - kindOffset(summary.offsetNs, kind);
}
