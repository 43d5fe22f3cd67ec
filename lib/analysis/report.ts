/**
 * One run as `tickscope analyze --json` prints it: a flat object that scripts and CI can rely on.
 * Values are nanoseconds (integers); for tick runs percentiles are of the overhead over the baseline,
 * for switch runs of the latency.
 *
 * With kernel events (run-attribution.ts): `attribution` sums the time the interrupted samples lost
 * (their overhead, value-kind.ts) by the kind of event that explains it, and the unexplained rest;
 * each periodic-spike family and the tick get their `cause`; `worst` lists the 10 worst samples'
 * causes. Without events these are null (never zeros).
 */
import { describeProblem, type FormatProblem } from "../format/errors";
import type { RunFields } from "../format/manifest";
import type { RunSummary } from "../summary";
import type { Cause, CauseKind } from "./attribution";
import type { RunAttribution } from "./run-attribution";
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
  tick: { period_ns: number; cost_ns: number; cause: CauseKind | null; causes: CauseReport[] | null } | null;
  periodic_spikes: {
    period_ns: number;
    phase_ns: number;
    regularity: number;
    magnitude_ns: number;
    /** The kind that explains most of the family's lost time, `unexplained`, or null without events. */
    cause: CauseKind | null;
  }[];
  attribution: AttributionReport | null;
  worst: { ts_ns: number; duration_ns: number; causes: CauseReport[] }[] | null;
  /** Each problem: file, field (column or key), row, expected, found, and the sentence saying it. */
  errors: (FormatProblem & { message: string })[];
  /** A run file without its footer, read up to its last whole batch: "recovered: N samples, …". */
  recovered: string | null;
}

export interface CauseReport {
  kind: CauseKind;
  name: string;
  ns: number;
}

export interface AttributionReport {
  /** Interrupted samples counted (those an event overlaps, spikes, tick samples). */
  samples: number;
  lost_ns: number;
  tick_ns: number;
  irq_ns: number;
  softirq_ns: number;
  ipi_ns: number;
  nmi_ns: number;
  thread_ns: number;
  throttle_ns: number;
  unexplained_ns: number;
  /** The hypervisor's steal time over the run (/proc/stat), or null without a steal table. */
  steal_ns: number | null;
  /** Share of the lost time the events explain; null when nothing was lost. */
  explained_share: number | null;
  lost_events: number | null;
}

const causesReport = (causes: Cause[]): CauseReport[] =>
  causes.map((c) => ({ kind: c.kind, name: c.name, ns: Math.round(c.ns) }));

function attributionReport(a: RunAttribution, lostEvents: number | null): AttributionReport {
  const k = a.byKind;
  const r = Math.round;
  return {
    samples: a.total.samples,
    lost_ns: r(a.total.lostNs),
    tick_ns: r(k.tick),
    irq_ns: r(k.irq),
    softirq_ns: r(k.softirq),
    ipi_ns: r(k.ipi),
    nmi_ns: r(k.nmi),
    thread_ns: r(k.thread),
    throttle_ns: r(k.throttle),
    unexplained_ns: r(k.unexplained),
    steal_ns: a.stealNs === null ? null : r(a.stealNs),
    explained_share: Number.isFinite(a.explainedShare) ? Math.round(a.explainedShare * 1e4) / 1e4 : null,
    lost_events: lostEvents,
  };
}

const int = (v: number): number | null => (Number.isFinite(v) ? Math.round(v) : null);

export function runReport(
  summary: RunSummary | null,
  run: RunDescriptor,
  errors: FormatProblem[] = [],
  recovered: string | null = null,
  events: { attribution: RunAttribution | null; lostEvents: number | null } | null = null,
): RunReport {
  const attribution = events?.attribution ?? null;
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
      ? {
          period_ns: Math.round(summary.tick.periodNs),
          cost_ns: Math.round(summary.tick.costNs),
          cause: attribution?.tick?.cause ?? null,
          causes: attribution?.tick ? causesReport(attribution.tick.causes) : null,
        }
      : null,
    periodic_spikes: (summary?.periodicSpikes ?? []).map((s, i) => ({
      period_ns: Math.round(s.periodNs),
      phase_ns: Math.round(s.phaseNs),
      regularity: Math.round(s.regularity * 1000) / 1000,
      magnitude_ns: Math.round(s.magnitudeNs),
      cause: attribution?.families[i]?.cause ?? null,
    })),
    attribution: attribution ? attributionReport(attribution, events?.lostEvents ?? null) : null,
    worst: attribution
      ? attribution.worst.map((w) => ({
          ts_ns: Math.round(w.ts),
          duration_ns: Math.round(w.durationNs),
          causes: causesReport(w.causes),
        }))
      : null,
    errors: errors.map((e) => ({ ...e, message: describeProblem(e) })),
    recovered,
  };
}
