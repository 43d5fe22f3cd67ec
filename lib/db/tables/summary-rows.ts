/**
 * The rows a run adds to the DuckDB tables (catalogue.ts), built from its one-pass summary alone:
 * raw samples never go in here.
 */
import type { RunFields } from "../../format/manifest";
import { bucketLower, bucketWidth, countsFromBucket } from "../../summary/histogram";
import { percentile, type RunSummary } from "../../summary";
import type { TableName } from "./catalogue";

/** Values given one by one. */
type RowValues = (number | string | null)[];
/** A column's values; a Float64Array for a long numeric column without nulls. */
export type ColumnValues = RowValues | Float64Array;
/** One table's new rows, column by column, in the catalogue's column order. */
export type TableRows = Record<string, ColumnValues>;

export interface RunIdentity {
  /** Unique among the open runs (the workspace's key). */
  runId: string;
  bundle: string;
  label: string;
  fields: RunFields;
  hz: number | null;
}

export const RUN_PERCENTILES = [
  ["p50_ns", 50],
  ["p90_ns", 90],
  ["p99_ns", 99],
  ["p999_ns", 99.9],
  ["p9999_ns", 99.99],
  ["p99999_ns", 99.999],
] as const;

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);

function runRow(run: RunIdentity, s: RunSummary): TableRows {
  const row: TableRows = {
    run_id: [run.runId],
    bundle: [run.bundle],
    label: [run.label],
    environment: [run.fields.environment ?? null],
    scenario: [run.fields.scenario ?? null],
    test: [s.test],
    threads: [s.test === "switch" ? (run.fields.threads ?? null) : null],
    samples: [s.count],
    start_ns: [finite(s.firstTs)],
    end_ns: [finite(s.lastTs)],
    baseline_ns: [finite(s.baseline.ns)],
    max_duration_ns: [finite(s.max.durationNs)],
    max_overhead_ns: [finite(s.max.durationNs - s.offsetNs)],
    max_at_ts_ns: [finite(s.max.ts)],
    min_duration_ns: [finite(s.min.durationNs)],
    offset_ns: [finite(s.offsetNs)],
  };
  for (const [name, p] of RUN_PERCENTILES) row[name] = [finite(percentile(s.histogram, p) - s.offsetNs)];
  row.tick_period_ns = [s.tick ? s.tick.periodNs : null];
  row.tick_cost_ns = [s.tick ? s.tick.costNs : null];
  row.tick_phase_ns = [s.tick ? s.tick.phaseNs : null];
  row.spike_threshold_ns = [finite(s.settings.spikeThresholdNs)];
  row.spikes_above_ns = [finite(s.spikes.thresholdNs)];
  row.hz = [run.hz];
  row.hypervisor = [run.fields.host?.hypervisor ?? null];
  return row;
}

function histogramRows(runId: string, s: RunSummary): TableRows {
  const h = s.histogram;
  const rows: Record<string, RowValues> = { run_id: [], lo_ns: [], hi_ns: [], count: [], at_or_above: [] };
  const fromBucket = countsFromBucket(h);
  for (let i = 0; i < h.counts.length; i++) {
    if (h.counts[i] === 0) continue;
    // Bucket 0 of a shifted histogram also holds the rare values under the shift.
    const lo = i === 0 && h.shiftNs > 0 ? Math.min(h.min, h.shiftNs) : h.shiftNs + bucketLower(i);
    rows.run_id.push(runId);
    rows.lo_ns.push(lo);
    rows.hi_ns.push(h.shiftNs + bucketLower(i) + bucketWidth(i));
    rows.count.push(h.counts[i]);
    rows.at_or_above.push(fromBucket[i]);
  }
  return rows;
}

function spikeRows(runId: string, s: RunSummary): TableRows {
  // One row per timestamp: the spike list (in time order, so a repeated timestamp follows its first),
  // then those of the worst-K it does not hold.
  const spikes = s.spikes.ts;
  const most = spikes.length + s.worst.ts.length;
  const ts = new Float64Array(most);
  const duration = new Float64Array(most);
  let n = 0;
  for (let i = 0; i < spikes.length; i++) {
    if (n > 0 && ts[n - 1] === spikes[i]) continue;
    ts[n] = spikes[i];
    duration[n] = s.spikes.durationNs[i];
    n++;
  }
  const listed = n;
  const held = (t: number) => {
    let lo = 0;
    let hi = listed;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ts[mid] < t) lo = mid + 1;
      else hi = mid;
    }
    return (lo < listed && ts[lo] === t) || ts.subarray(listed, n).includes(t);
  };
  for (let i = 0; i < s.worst.ts.length; i++) {
    if (held(s.worst.ts[i])) continue;
    ts[n] = s.worst.ts[i];
    duration[n] = s.worst.durationNs[i];
    n++;
  }
  const overhead = new Float64Array(n);
  for (let i = 0; i < n; i++) overhead[i] = duration[i] - s.offsetNs;
  return {
    run_id: new Array<string>(n).fill(runId),
    ts_ns: ts.subarray(0, n),
    duration_ns: duration.subarray(0, n),
    overhead_ns: overhead,
  };
}

function secondRows(runId: string, s: RunSummary): TableRows {
  const { firstSecond, maxDurationNs } = s.seconds;
  const second = new Float64Array(maxDurationNs.length);
  const max = new Float64Array(maxDurationNs.length);
  let n = 0;
  for (let k = 0; k < maxDurationNs.length; k++) {
    if (!Number.isFinite(maxDurationNs[k])) continue;
    second[n] = firstSecond + k;
    max[n] = maxDurationNs[k];
    n++;
  }
  return {
    run_id: new Array<string>(n).fill(runId),
    second: second.subarray(0, n),
    max_ns: max.subarray(0, n),
    count: new Array<null>(n).fill(null),
  };
}

function periodRows(runId: string, s: RunSummary): TableRows {
  return {
    run_id: s.periodicSpikes.map(() => runId),
    period_ns: s.periodicSpikes.map((f) => f.periodNs),
    phase_ns: s.periodicSpikes.map((f) => f.phaseNs),
    regularity: s.periodicSpikes.map((f) => f.regularity),
    magnitude_ns: s.periodicSpikes.map((f) => f.magnitudeNs),
  };
}

function tickFoldRows(runId: string, s: RunSummary): TableRows {
  const rows: Record<string, RowValues> = {
    run_id: [],
    phase_bin: [],
    phase_ns: [],
    excess_ns: [],
    samples: [],
  };
  const fold = s.tick?.fold;
  if (!s.tick || !fold) return rows;
  const period = s.tick.periodNs;
  for (let b = 0; b < fold.samples.length; b++) {
    rows.run_id.push(runId);
    rows.phase_bin.push(b);
    rows.phase_ns.push((fold.startPhaseNs + b * fold.binNs) % period);
    rows.excess_ns.push(fold.excessNs[b]);
    rows.samples.push(fold.samples[b]);
  }
  return rows;
}

/** Every table's rows for one run, from its summary. */
export function summaryRows(run: RunIdentity, summary: RunSummary): Partial<Record<TableName, TableRows>> {
  return {
    runs: runRow(run, summary),
    histogram: histogramRows(run.runId, summary),
    spikes: summary.kind === "samples" ? spikeRows(run.runId, summary) : undefined,
    seconds: secondRows(run.runId, summary),
    periods: periodRows(run.runId, summary),
    tick_fold: tickFoldRows(run.runId, summary),
  };
}
