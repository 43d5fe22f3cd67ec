/**
 * The Comparison table's cells from the `runs` table: per environment (row) and test · scenario ·
 * threads (column), the chosen statistic of the chosen kind, the largest where several runs share a
 * cell, its ratio to every other row's cell in its column (the reference row is picked from those
 * when the table is laid out), and the study's rows joined in. The statistics
 * themselves were computed once, by lib/summary, when the run's rows were built (lib/db/tables): this
 * query picks, groups and divides; it computes no statistic of its own. The count at or above a
 * threshold is the `histogram` table's `at_or_above` of the first bucket at or above it, the count
 * lib/analysis/threshold.ts reads from the same place (countsFromBucket).
 */
import { PAPER_TABLES } from "../analysis/paper-hyperv-2013";
import type { ValueKind } from "../analysis/value-kind";
import type { Query } from "./sql";

/** The statistics `runs` holds a column for (as overheads), and that column. */
export const STATISTIC_COLUMNS = {
  max: "max_overhead_ns",
  p50: "p50_ns",
  p90: "p90_ns",
  p99: "p99_ns",
  "p99.9": "p999_ns",
  "p99.99": "p9999_ns",
  "p99.999": "p99999_ns",
} as const;
export type TableStatistic = keyof typeof STATISTIC_COLUMNS | "above";

export interface ComparisonQueryOptions {
  statistic: TableStatistic;
  kind: ValueKind;
  /** For `above`: the threshold in `kind` (ns); null or absent for each run's own. */
  thresholdNs?: number | null;
  /** The study's tables to join in: true for all, or their names. */
  paperRows: boolean | string[];
}

/** The study's values that apply: maxima only; its tick maxima are overheads, its switch maxima latencies. */
function paperValues(options: ComparisonQueryOptions): (string | number)[][] {
  if (options.statistic !== "max" || options.paperRows === false) return [];
  const asked = options.paperRows;
  const values: (string | number)[][] = [];
  for (const table of PAPER_TABLES) {
    if (Array.isArray(asked) && !asked.includes(table.name)) continue;
    if (table.metric === "max_tick_overhead_ns" && options.kind !== "overhead") continue;
    for (const [environment, row] of Object.entries(table.rows)) {
      const label = `paper ${table.name}: ${environment}`;
      if (typeof row === "number") values.push([label, environment, table.test, -1, row]);
      else
        for (const [threads, v] of Object.entries(row))
          values.push([label, environment, table.test, Number(threads), v]);
    }
  }
  return values;
}

/**
 * One row per filled cell: `row_label`, `source` ('runs' | 'paper'), `environment`, `test`, `scenario`
 * (null: the study's "any scenario"), `threads` (switch runs only), `value_ns`, `ratios` (a map from
 * each row label with a cell in the same column to this cell's ratio to that cell: null when that
 * cell is not above zero or this value is below zero) and `run_ids` (the runs behind the cell). The
 * ratios to every possible reference come in the one answer, so that choosing the reference row asks
 * DuckDB nothing: the table only reads another key of the same maps.
 */
export function comparisonQuery(options: ComparisonQueryOptions): Query {
  const paper = paperValues(options);
  const { ctes, join, value, params: valueParams } = valueOf(options);
  const paperSql = paper.length
    ? `UNION ALL
  SELECT label, 'paper', environment, test, NULL, CASE WHEN threads < 0 THEN NULL ELSE threads END, value, []
  FROM (VALUES ${paper.map(() => "(?::VARCHAR, ?::VARCHAR, ?::VARCHAR, ?::INTEGER, ?::DOUBLE)").join(", ")})
    AS paper(label, environment, test, threads, value)
  WHERE test IN (SELECT test FROM runs) OR NOT EXISTS (SELECT 1 FROM runs)`
    : "";
  const sql = `WITH ${ctes}per_run AS (
  SELECT r.run_id, coalesce(r.environment, 'unknown') AS environment, r.test, r.scenario,
    CASE WHEN r.test = 'switch' THEN r.threads END AS threads,
    ${value} AS value
  FROM runs r ${join}
), cells AS (
  SELECT environment AS row_label, 'runs' AS source, environment, test, scenario, threads,
    max(value) AS value_ns, list(run_id ORDER BY run_id) AS run_ids
  FROM per_run GROUP BY environment, test, scenario, threads
  ${paperSql}
)
SELECT c.row_label, c.source, c.environment, c.test, c.scenario, c.threads, c.value_ns,
  map_from_entries(list({'k': r.row_label,
    'v': CASE WHEN r.value_ns > 0 AND c.value_ns >= 0 THEN c.value_ns / r.value_ns END} ORDER BY r.row_label)) AS ratios,
  any_value(c.run_ids) AS run_ids
FROM cells c JOIN cells r
  ON r.test = c.test AND r.scenario IS NOT DISTINCT FROM c.scenario AND r.threads IS NOT DISTINCT FROM c.threads
GROUP BY c.row_label, c.source, c.environment, c.test, c.scenario, c.threads, c.value_ns
ORDER BY c.source DESC, c.row_label, c.test, c.scenario NULLS FIRST, c.threads`;
  return { sql, params: [...valueParams, ...paper.flat()] };
}

/**
 * Each run's value of the statistic: an SQL expression over a `runs` row `r`, what it needs joined in
 * (`counted c`, for `above`, from a CTE written before `per_run`), and the parameters in text order.
 */
function valueOf(options: ComparisonQueryOptions): {
  ctes: string;
  join: string;
  value: string;
  params: Query["params"];
} {
  if (options.statistic === "max")
    return {
      ctes: "",
      join: "",
      value: "CASE WHEN ? = 'duration' THEN r.max_duration_ns ELSE r.max_overhead_ns END",
      params: [options.kind],
    };
  if (options.statistic !== "above")
    return {
      ctes: "",
      join: "",
      value: `r.${STATISTIC_COLUMNS[options.statistic]} + CASE WHEN ? = 'duration' THEN r.offset_ns ELSE 0 END`,
      params: [options.kind],
    };
  // Samples are integers: at or above the threshold (as a duration) is at or above its ceiling. The
  // histogram's bucket 0 (every value at or below its shift) starts at the run's minimum, so a threshold
  // above the minimum never counts it; at or below the minimum, every sample counts.
  const given = options.thresholdNs ?? null;
  return {
    ctes: `wanted AS (
  SELECT run_id, samples, min_duration_ns,
    ceil(CASE WHEN ? = 1 THEN ?::DOUBLE + CASE WHEN ? = 'overhead' THEN offset_ns ELSE 0 END
      ELSE spike_threshold_ns + offset_ns END) AS ns
  FROM runs
), counted AS (
  SELECT w.run_id, CASE WHEN w.ns <= w.min_duration_ns THEN w.samples::DOUBLE
    ELSE coalesce(arg_min(h.at_or_above, h.lo_ns) FILTER (WHERE h.lo_ns >= w.ns), 0)::DOUBLE END AS n
  FROM wanted w LEFT JOIN histogram h ON h.run_id = w.run_id
  GROUP BY w.run_id, w.samples, w.min_duration_ns, w.ns
), `,
    join: "JOIN counted c ON c.run_id = r.run_id",
    value: "c.n",
    params: [given === null ? 0 : 1, given ?? 0, options.kind],
  };
}
