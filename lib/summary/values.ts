import { percentile } from "./histogram";
import type { RunSummary } from "./types";

/** A duration as the run's value: overhead over the baseline (tick runs) or the latency (switch runs). */
export function valueOf(summary: RunSummary, durationNs: number): number {
  return durationNs - summary.offsetNs;
}

/** The p-th percentile of the run's value; p = 100 is the exact maximum. */
export function overheadPercentile(summary: RunSummary, p: number): number {
  return percentile(summary.histogram, p) - summary.offsetNs;
}
