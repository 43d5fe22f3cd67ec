import { useEffect, useState } from "react";
import { SQL_ENGINE_FAILED, startTables, type TablesStatus } from "@/lib/db/page-tables";
import { runKeptQuery, type Row } from "@/lib/db/query";
import type { Query } from "@/lib/queries/sql";
import { useTablesStatus } from "../workspace/use-duckdb-tables";

/** A run a view asks DuckDB about, and how to name it in a message. */
export interface AskedRun {
  key: string;
  label: string;
}

export type TablesAnswer<T> =
  /** The answer to the query asked now. */
  | { state: "ready"; data: T }
  /**
   * Not answered yet: why (DuckDB starting, a run's rows not in yet, the query running), and the
   * answer to the query asked before, if any, to keep on screen meanwhile.
   */
  | { state: "waiting"; why: string; previous: T | null }
  | { state: "error"; error: string };

/**
 * A view's query to the page's DuckDB, run once DuckDB is up and every run it reads has its rows in the
 * tables, and again when what it asks changes or a run's rows are replaced. The rows shown are those of
 * the query asked now; until they arrive the view says it is waiting (its data-state is not `ready`).
 */
export function useTablesQuery<T>(
  query: Query | null,
  runs: AskedRun[],
  /** Makes the view's data of the rows, when they arrive (with what was asked then). */
  shape: (rows: Row[]) => T,
): TablesAnswer<T> {
  const status = useTablesStatus();
  const blocked = blockedBy(status, runs);
  // Asked again when the query or the tables' rows change (a run's rows added, replaced or taken out).
  const key = query
    ? JSON.stringify([query.sql, query.params.map(String), status.tables.map((t) => t.rows)])
    : null;
  const blockedKey = blocked ? JSON.stringify(blocked) : null;
  const [answer, setAnswer] = useState<{ key: string; data: T } | { key: string; error: string } | null>(
    null,
  );
  useEffect(() => {
    if (blockedKey || !query || !key) return;
    let live = true;
    startTables()
      // A statement prepared once per text and kept: asked again (another statistic, the same one
      // again), one round trip to DuckDB's worker and no new parse or plan. The view's SQL button opens
      // the text with the parameters written in; the builders' tests check both answer the same.
      .then((database) => runKeptQuery(database.conn, query))
      .then(
        (rows) => live && setAnswer({ key, data: shape(rows) }),
        (error: unknown) =>
          live && setAnswer({ key, error: error instanceof Error ? error.message : String(error) }),
      );
    return () => {
      live = false;
    };
    // The query is what `key` spells: asked again only when that changes; `shape` goes with it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [blockedKey, key]);

  const previous = answer && "data" in answer ? answer.data : null;
  if (blocked) return blocked.state === "waiting" ? { ...blocked, previous } : blocked;
  if (!query) return { state: "waiting", why: "Nothing to ask yet…", previous: null };
  if (answer && answer.key === key)
    return "error" in answer
      ? { state: "error", error: answer.error }
      : { state: "ready", data: answer.data };
  return {
    state: "waiting",
    why: "Waiting for DuckDB's answer…",
    previous,
  };
}

/** What keeps the query from being asked: DuckDB not started or failed, a run's rows not in the tables. */
export function blockedBy(status: TablesStatus, runs: AskedRun[]): TablesAnswer<never> | null {
  if (status.state === "failed") return { state: "error", error: `${SQL_ENGINE_FAILED}: ${status.error}` };
  for (const run of runs) {
    const failure = status.failures.find((f) => f.runId === run.key);
    if (failure)
      return {
        state: "error",
        error: `${run.label}: its rows could not be added to DuckDB: ${failure.message}`,
      };
    const reason = status.loaded[run.key];
    if (typeof reason === "string")
      return { state: "error", error: `${run.label} has no rows in DuckDB's tables: ${reason}` };
  }
  if (status.state !== "ready")
    return { state: "waiting", why: "Waiting for DuckDB-WASM to start…", previous: null };
  const missing = runs.find((run) => !(run.key in status.loaded));
  if (missing)
    return {
      state: "waiting",
      why: `Waiting for DuckDB to load the rows of ${missing.label}…`,
      previous: null,
    };
  return null;
}
