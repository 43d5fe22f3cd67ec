import { overheadPercentile, type RunSummary } from "../summary";

/** `max` or `pNN` (p50, p99.9, …): the statistic a table or a check uses. */
export type Statistic = "max" | `p${number}`;

export function parseStatistic(text: string): Statistic | null {
  if (text === "max") return "max";
  const match = /^p?(\d+(?:\.\d+)?)$/.exec(text);
  if (!match) return null;
  const p = Number(match[1]);
  return p > 0 && p <= 100 ? (p === 100 ? "max" : (`p${match[1]}` as Statistic)) : null;
}

/**
 * The statistic over the run's values: overhead over the baseline for tick runs, the latency itself
 * for switch runs (as the study's tables). `max` is exact; percentiles are within the histogram's error.
 */
export function statisticOf(summary: RunSummary, statistic: Statistic): number {
  if (statistic === "max") return summary.max.durationNs - summary.offsetNs;
  return overheadPercentile(summary, Number(statistic.slice(1)));
}

export function statisticLabel(statistic: Statistic): string {
  return statistic === "max" ? "maximum" : `${statistic.slice(1)}th percentile`;
}
