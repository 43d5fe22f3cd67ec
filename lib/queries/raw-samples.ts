import { identifier, type Query } from "./sql";

/**
 * Queries on a table of raw samples (ts_ns, duration_ns): the naive way that the UI benchmark compares
 * against, and a check of the summary's answers on small runs.
 */

/**
 * What the workbench opens with once "Query these samples" has loaded a window into `samples`: how
 * many samples the window holds, its longest one and when that began.
 */
export const SAMPLES_QUERY = `SELECT count(*) AS samples,
  max(duration_ns) AS max_duration_ns,
  arg_max(ts_ns, duration_ns) AS max_at_ts_ns,
  min(ts_ns) AS first_ts_ns,
  max(ts_ns) AS last_ts_ns
FROM samples`;

/** M4 per pixel column over [t0, t1): exact min and max per column and when they happened. */
export function rawM4(table: string, t0: number, t1: number, columns: number): Query {
  const t = identifier(table);
  return {
    sql: `SELECT floor((ts_ns - ?) * ? / ?)::INTEGER AS col,
  min(duration_ns)::DOUBLE AS min, max(duration_ns)::DOUBLE AS max,
  arg_min(ts_ns, duration_ns)::DOUBLE AS min_ts, arg_max(ts_ns, duration_ns)::DOUBLE AS max_ts,
  count(*)::DOUBLE AS n
FROM ${t}
WHERE ts_ns >= ? AND ts_ns < ?
GROUP BY col ORDER BY col`,
    params: [Math.floor(t0), columns, Math.max(1, t1 - t0), Math.floor(t0), Math.ceil(t1)],
  };
}

/** Count, span, maximum and the given percentiles (0–100) of all samples. */
export function rawStatistics(table: string, percentiles: number[]): Query {
  const t = identifier(table);
  const quantiles = percentiles.map((_, i) => `quantile_disc(duration_ns, ?)::DOUBLE AS p${i}`).join(",\n  ");
  return {
    sql: `SELECT count(*)::DOUBLE AS n, min(ts_ns)::DOUBLE AS start_ns, max(ts_ns)::DOUBLE AS end_ns,
  max(duration_ns)::DOUBLE AS max, arg_max(ts_ns, duration_ns)::DOUBLE AS max_ts${quantiles ? `,\n  ${quantiles}` : ""}
FROM ${t}`,
    params: percentiles.map((p) => p / 100),
  };
}
