/**
 * Loads what a run adds to the tables (catalogue.ts) into a DuckDB connection: the browser's
 * AsyncDuckDBConnection or the Node one (node-duckdb.ts), which share these two calls.
 */
import type { RunSummary } from "../../summary";
import { CATALOGUE, createTableSql, type TableName } from "./catalogue";
import { rowCount, rowsToIpcStream } from "./ipc-stream";
import { summaryRows, type RunIdentity } from "./summary-rows";

export interface TableConnection {
  query(sql: string): unknown;
  insertArrowFromIPCStream(bytes: Uint8Array, options: { name: string; create?: boolean }): unknown;
}

/**
 * Creates every catalogue table (empty), so the catalogue is queryable before any run opens: one query,
 * so one round trip to DuckDB's worker.
 */
export async function createTables(conn: TableConnection): Promise<void> {
  await conn.query(CATALOGUE.map((table) => `${createTableSql(table.name)};`).join("\n"));
}

async function insert(conn: TableConnection, name: TableName, bytes: Uint8Array): Promise<void> {
  // The buffer is transferred (detached) into the engine's heap.
  await conn.insertArrowFromIPCStream(bytes, { name, create: false });
}

export type LoadOutcome =
  { runId: string; loaded: Partial<Record<TableName, number>> } | { runId: string; reason: string };

/**
 * Adds one run: its summary's rows, or (no summary: missing or corrupt) a `load_errors` row saying why.
 * Tables must exist (createTables).
 */
export async function loadRun(
  conn: TableConnection,
  run: RunIdentity,
  summary: RunSummary | null,
  reason?: string,
): Promise<LoadOutcome> {
  if (!summary) {
    const why = reason ?? "no summary";
    await insert(conn, "load_errors", rowsToIpcStream("load_errors", { run_id: [run.runId], reason: [why] }));
    return { runId: run.runId, reason: why };
  }
  const loaded: Partial<Record<TableName, number>> = {};
  for (const [name, rows] of Object.entries(summaryRows(run, summary)) as [TableName, never][]) {
    if (!rows) continue;
    const n = rowCount(rows);
    loaded[name] = n;
    if (n > 0) await insert(conn, name, rowsToIpcStream(name, rows));
  }
  return { runId: run.runId, loaded };
}

/** Takes a run's rows out of every table (the run was closed). */
export async function unloadRun(conn: TableConnection, runId: string): Promise<void> {
  const quoted = `'${runId.replaceAll("'", "''")}'`;
  for (const table of CATALOGUE) await conn.query(`DELETE FROM ${table.name} WHERE run_id = ${quoted}`);
}
