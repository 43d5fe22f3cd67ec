import type { AsyncDuckDBConnection } from "@duckdb/duckdb-wasm";
import { ResultCollector, type ArrowBatchLike, type ResultSet } from "./result-set";

/** Rows a result keeps for the table, the chart and CSV; the count beyond it is still given. */
export const ROW_CAP = 100_000;

/**
 * The workbench says "Running…" (and offers Cancel) once a query has run this long: a quick answer
 * replaces the last one directly, in one render and one frame, with no "running" state drawn between.
 */
export const RUNNING_SHOWN_AFTER_MS = 100;

export type RunOutcome =
  | { state: "done"; result: ResultSet; ms: number }
  | { state: "cancelled"; ms: number }
  | { state: "error"; message: string; ms: number };

export interface RunningQuery {
  outcome: Promise<RunOutcome>;
  /** Stops the query between DuckDB's slices (`cancelSent`). */
  cancel(): Promise<void>;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Runs the user's SQL with `send`, which DuckDB-WASM executes in slices that `cancelSent` can stop, and
 * reads the answer batch by batch: the page stays responsive and only the cap of rows is kept.
 */
export function runSql(conn: AsyncDuckDBConnection, sql: string, cap = ROW_CAP): RunningQuery {
  const started = performance.now();
  let cancelled = false;
  const elapsed = () => Math.round(performance.now() - started);
  const outcome = (async (): Promise<RunOutcome> => {
    try {
      // Not streamed: a streamed result runs its whole pipeline in one fetch, which `cancelSent` cannot stop.
      const reader = await conn.send(sql, false);
      const collector = new ResultCollector(cap);
      for await (const batch of reader) {
        if (cancelled) break;
        collector.add(batch as unknown as ArrowBatchLike);
      }
      if (cancelled) return { state: "cancelled", ms: elapsed() };
      return { state: "done", result: collector.result(reader.schema?.fields), ms: elapsed() };
    } catch (error) {
      if (cancelled) return { state: "cancelled", ms: elapsed() };
      return { state: "error", message: message(error), ms: elapsed() };
    }
  })();
  return {
    outcome,
    async cancel() {
      cancelled = true;
      await conn.cancelSent();
    },
  };
}
