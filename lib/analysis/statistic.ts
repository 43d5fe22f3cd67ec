import { percentile, type RunSummary } from "../summary";
import { samplesAtOrAbove, ownThreshold } from "./threshold";
import { kindOffset, type ValueKind } from "./value-kind";

/** `max`, `pNN` (p50, p99.9, …) or `above` (samples at or above the threshold): what a table or a check uses. */
export type Statistic = "max" | "above" | `p${number}`;

export function parseStatistic(text: string): Statistic | null {
  if (text === "max" || text === "above") return text;
  const match = /^p?(\d+(?:\.\d+)?)$/.exec(text);
  if (!match) return null;
  const p = Number(match[1]);
  return p > 0 && p <= 100 ? (p === 100 ? "max" : (`p${match[1]}` as Statistic)) : null;
}

export interface StatisticOptions {
  /** Duration or overhead (lib/analysis/value-kind.ts); overhead by default, as the study's tables. */
  kind?: ValueKind;
  /** For `above`: the threshold in the chosen kind; the run's own when null or absent. */
  thresholdNs?: number | null;
}

/**
 * The statistic over the run's samples as duration or overhead. `max` is exact; percentiles are
 * within the histogram's error; `above` is an exact count (from the first histogram edge at or above
 * the threshold: see samplesAtOrAbove).
 */
export function statisticOf(
  summary: RunSummary,
  statistic: Statistic,
  options: StatisticOptions = {},
): number {
  const kind = options.kind ?? "overhead";
  const offset = kindOffset(summary.offsetNs, kind);
  if (statistic === "max") return summary.max.durationNs - offset;
  if (statistic === "above")
    return samplesAtOrAbove(summary, options.thresholdNs ?? ownThreshold(summary, kind), kind).count;
  return percentile(summary.histogram, Number(statistic.slice(1))) - offset;
}

/** Whether the statistic is a count of samples rather than a duration or overhead. */
export function isCount(statistic: Statistic): boolean {
  return statistic === "above";
}

export function statisticLabel(statistic: Statistic, kind?: ValueKind): string {
  if (statistic === "above") return "samples at or above the threshold";
  const what = kind ? ` ${kind}` : "";
  return statistic === "max" ? `maximum${what}` : `${statistic.slice(1)}th percentile${what}`;
}
