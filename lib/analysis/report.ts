/**
 * One run as `tickscope analyze --json` prints it: a flat object that scripts and CI can rely on.
 * Values are nanoseconds (integers); for tick runs percentiles are of the overhead over the baseline,
 * for switch runs of the latency.
 */
import { describeProblem, type FormatProblem } from "../format/errors";
import type { RunFields } from "../format/manifest";
import type { RunSummary } from "../summary";
import { statisticOf } from "./statistic";

export const REPORT_PERCENTILES = ["50", "90", "99", "99.9", "99.99", "99.999"] as const;

export interface RunDescriptor {
  id: string;
  file: string;
  test?: string;
  fields: RunFields;
}

export interface RunReport {
  id: string;
  file: string;
  test: string | null;
  environment: string | null;
  scenario: string | null;
  threads: number | null;
  samples: number | null;
  span_ns: number | null;
  baseline_ns: number | null;
  max_duration_ns: number | null;
  max_overhead_ns: number | null;
  max_at_ts_ns: number | null;
  percentiles_ns: Record<(typeof REPORT_PERCENTILES)[number], number | null>;
  tick: { period_ns: number; cost_ns: number } | null;
  periodic_spikes: { period_ns: number; phase_ns: number; regularity: number; magnitude_ns: number }[];
  /** Each problem: file, field (column or key), row, expected, found, and the sentence saying it. */
  errors: (FormatProblem & { message: string })[];
  /** A run file without its footer, read up to its last whole batch: "recovered: N samples, …". */
  recovered: string | null;
}

const int = (v: number): number | null => (Number.isFinite(v) ? Math.round(v) : null);

export function runReport(
  summary: RunSummary | null,
  run: RunDescriptor,
  errors: FormatProblem[] = [],
  recovered: string | null = null,
): RunReport {
  const percentiles = Object.fromEntries(
    REPORT_PERCENTILES.map((p) => [
      p,
      summary ? int(statisticOf(summary, `p${p}`, { kind: "overhead" })) : null,
    ]),
  ) as RunReport["percentiles_ns"];
  return {
    id: run.id,
    file: run.file,
    test: summary?.test ?? run.test ?? null,
    environment: run.fields.environment ?? null,
    scenario: run.fields.scenario ?? null,
    threads: run.fields.threads ?? null,
    samples: summary ? summary.count : null,
    span_ns: summary ? int(summary.spanNs) : null,
    baseline_ns: summary && summary.kind === "samples" ? int(summary.baseline.ns) : null,
    max_duration_ns: summary ? int(summary.max.durationNs) : null,
    max_overhead_ns: summary ? int(statisticOf(summary, "max", { kind: "overhead" })) : null,
    max_at_ts_ns: summary ? int(summary.max.ts) : null,
    percentiles_ns: percentiles,
    tick: summary?.tick
      ? { period_ns: Math.round(summary.tick.periodNs), cost_ns: Math.round(summary.tick.costNs) }
      : null,
    periodic_spikes: (summary?.periodicSpikes ?? []).map((s) => ({
      period_ns: Math.round(s.periodNs),
      phase_ns: Math.round(s.phaseNs),
      regularity: Math.round(s.regularity * 1000) / 1000,
      magnitude_ns: Math.round(s.magnitudeNs),
    })),
    errors: errors.map((e) => ({ ...e, message: describeProblem(e) })),
    recovered,
  };
}
