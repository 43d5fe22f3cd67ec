/**
 * The periodic-spike heat map from the `spikes` table: rows of seconds, columns of offsets within a
 * period (shifted by a phase), the largest overhead in each cell. Spikes are every sample above the
 * run's spike threshold, so each cell whose largest overhead is above that threshold is exact; the
 * cells under it are left out (`atLeastNs` no lower than the run's spike threshold keeps every cell exact).
 */
import type { Query } from "./sql";

export interface HeatmapQueryOptions {
  runId: string;
  periodNs: number;
  /** Shift of column 0 within the period. */
  phaseNs: number;
  columns: number;
  /** Seconds shown: [fromSecond, toSecond]. */
  fromSecond: number;
  toSecond: number;
  /** Cells whose largest overhead is under this are left out (ns). */
  atLeastNs: number;
}

/** One row per non-empty cell: `second`, `col`, `max_overhead_ns`, `at_ts_ns` (the largest one's start), `spikes`. */
export function heatmapQuery(o: HeatmapQueryOptions): Query {
  if (!(o.periodNs > 0) || !(o.columns >= 1))
    throw new RangeError("the heat map needs a period above 0 and a column");
  return {
    sql: `WITH placed AS (
  SELECT floor(ts_ns / 1e9)::INTEGER AS second,
    least(?, floor((ts_ns - ? - floor((ts_ns - ?) / ?) * ?) / ? * ?))::INTEGER AS col,
    overhead_ns, ts_ns
  FROM spikes
  WHERE run_id = ? AND overhead_ns >= ?
)
SELECT second, col, max(overhead_ns) AS max_overhead_ns, arg_max(ts_ns, overhead_ns) AS at_ts_ns,
  count(*)::INTEGER AS spikes
FROM placed WHERE second BETWEEN ? AND ?
GROUP BY second, col ORDER BY second, col`,
    params: [
      o.columns - 1,
      o.phaseNs,
      o.phaseNs,
      o.periodNs,
      o.periodNs,
      o.periodNs,
      o.columns,
      o.runId,
      o.atLeastNs,
      o.fromSecond,
      o.toSecond,
    ],
  };
}
