/**
 * The Tick pattern's folded profile from `tick_fold`: the mean excess of the samples at each phase of
 * the tick period, placed by their distance from the tick (`runs.tick_phase_ns`), so the tick's bump
 * sits at 0. The fold itself was made once, by lib/summary, when the tick was estimated; this query
 * groups its bins (`binsPerColumn` at a time, from the fold's first bin) and divides.
 */
import type { Query } from "./sql";

export interface TickFoldQueryOptions {
  runId: string;
  /** Bins summed into one point (1: every bin of the fold). */
  binsPerColumn: number;
}

/**
 * One row per point, by `from_tick_ns`: `col`, `phase_ns` (where the point starts in the period),
 * `from_tick_ns` (that start less the tick's phase, in [-period/2, period/2)), `width_ns`,
 * `mean_excess_ns` (null where no sample fell) and `samples`.
 */
export function tickFoldQuery(o: TickFoldQueryOptions): Query {
  if (!Number.isInteger(o.binsPerColumn) || o.binsPerColumn < 1)
    throw new RangeError("the tick fold groups a whole number of bins, at least 1, into each point");
  return {
    sql: `WITH bins AS (
  SELECT floor(f.phase_bin / ?::INTEGER)::INTEGER AS col, f.phase_bin, f.phase_ns, f.excess_ns, f.samples,
    r.tick_period_ns AS period_ns, r.tick_phase_ns AS tick_ns
  FROM tick_fold f JOIN runs r USING (run_id)
  WHERE f.run_id = ?
), cols AS (
  SELECT col, arg_min(phase_ns, phase_bin) AS phase_ns, any_value(period_ns) AS period_ns,
    any_value(tick_ns) AS tick_ns, count(*) AS bins, sum(excess_ns) AS excess_ns, sum(samples) AS samples
  FROM bins GROUP BY col
)
SELECT col, phase_ns,
  (((phase_ns - tick_ns) % period_ns + 1.5 * period_ns) % period_ns) - period_ns / 2 AS from_tick_ns,
  period_ns * bins / (SELECT count(*) FROM bins) AS width_ns,
  CASE WHEN samples > 0 THEN excess_ns / samples END AS mean_excess_ns,
  samples::DOUBLE AS samples
FROM cols ORDER BY from_tick_ns`,
    params: [o.binsPerColumn, o.runId],
  };
}
