/**
 * The page's DuckDB with its tables: started once (by the page's scheduler, once idle after the first
 * overview, or by the workbench when the user opens it), the catalogue's tables created, the lockdown
 * applied; then each run's rows added as it opens (waiting for that start, never causing it). Its status (state, tables and their rows, load errors) is what the footer shows.
 */
import type { RunSummary } from "../summary";
import { getDatabase, type Database } from "./duckdb";
import { lockDown } from "./lockdown";
import { replaceSamples } from "./samples-table";
import { CATALOGUE, type TableName } from "./tables/catalogue";
import { createTables, loadRun, unloadRun } from "./tables/load";
import type { RunIdentity } from "./tables/summary-rows";

export interface TablesStatus {
  state: "idle" | "starting" | "ready" | "failed";
  version: string | null;
  error: string | null;
  /** Every table and its rows, in the catalogue's order. */
  tables: { name: TableName; rows: number }[];
  /** Runs whose rows could not be added, and DuckDB's reason. */
  failures: { runId: string; message: string }[];
  /** Runs whose load has finished: null when their rows are in, else why they are absent (load_errors). */
  loaded: Record<string, string | null>;
  /** The window whose raw samples are in the `samples` table (only on request), or null. */
  samples: SamplesWindow | null;
}

export interface SamplesWindow {
  runId: string;
  label: string;
  t0: number;
  t1: number;
  rows: number;
}

type Listener = () => void;

/** How every place that needs DuckDB says it could not start (the reason follows). */
export const SQL_ENGINE_FAILED = "The SQL engine (DuckDB-WASM) failed to start";

let status: TablesStatus = {
  state: "idle",
  version: null,
  error: null,
  tables: [],
  failures: [],
  loaded: {},
  samples: null,
};
const listeners = new Set<Listener>();
let ready: Promise<Database> | null = null;
let allowStart: () => void = () => {};
/** Settles once something has started DuckDB: runs' rows wait for it rather than starting it themselves. */
const startAsked = new Promise<void>((resolve) => (allowStart = resolve));
/** Loads and unloads run one after another, in the order asked. */
let queue: Promise<unknown> = Promise.resolve();

function publish(next: Partial<TablesStatus>) {
  status = { ...status, ...next };
  for (const listener of listeners) listener();
}

export function tablesStatus(): TablesStatus {
  return status;
}

export function subscribeTables(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

async function counts(database: Database): Promise<TablesStatus["tables"]> {
  const sql = CATALOGUE.map((t) => `SELECT '${t.name}' AS name, count(*)::DOUBLE AS n FROM ${t.name}`).join(
    " UNION ALL ",
  );
  const table = await database.conn.query(sql);
  const rows = new Map(
    table.toArray().map((row) => {
      const { name, n } = (row as { toJSON(): { name: TableName; n: number } }).toJSON();
      return [name, n] as const;
    }),
  );
  return CATALOGUE.map((t) => ({ name: t.name, rows: rows.get(t.name) ?? 0 }));
}

/** Starts DuckDB and makes its tables (once; later calls share the same promise). */
export function startTables(): Promise<Database> {
  allowStart();
  if (!ready) {
    publish({ state: "starting" });
    ready = (async () => {
      const database = await getDatabase();
      await createTables(database.conn);
      await lockDown(database.conn);
      const tables = await counts(database);
      performance.mark("duckdb:ready");
      publish({ state: "ready", version: database.version, tables });
      return database;
    })().catch((error: unknown) => {
      // Not retried by itself: each run's load would otherwise start (and fail) it again.
      publish({ state: "failed", error: error instanceof Error ? error.message : String(error) });
      throw error;
    });
  }
  return ready;
}

function enqueue(runId: string, work: (database: Database) => Promise<void>): Promise<void> {
  const next = queue.then(async () => {
    await startAsked;
    const database = await startTables();
    try {
      await work(database);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      publish({ failures: [...status.failures.filter((f) => f.runId !== runId), { runId, message }] });
      throw error;
    } finally {
      publish({ tables: await counts(database) });
    }
  });
  queue = next.catch(() => undefined);
  return next;
}

/** Adds a run's rows (or, without a summary, a load_errors row saying why). */
export function loadRunTables(run: RunIdentity, summary: RunSummary | null, reason?: string): Promise<void> {
  return enqueue(run.runId, async (database) => {
    await unloadRun(database.conn, run.runId);
    const outcome = await loadRun(database.conn, run, summary, reason);
    publish({ loaded: { ...status.loaded, [run.runId]: "reason" in outcome ? outcome.reason : null } });
  });
}

/** Takes a closed run's rows out. */
export function unloadRunTables(runId: string): Promise<void> {
  return enqueue(runId, async (database) => {
    await unloadRun(database.conn, runId);
    const loaded = { ...status.loaded };
    delete loaded[runId];
    publish({ loaded });
    if (status.samples?.runId === runId) publish({ samples: null });
  });
}

/**
 * Puts one window's raw samples in the `samples` table, replacing the previous window's. Unlike a run's
 * rows, a failure here is the caller's to show (it is not a load error of the run).
 */
export function loadSamplesTable(
  window: Omit<SamplesWindow, "rows">,
  ts: Float64Array,
  duration: Float64Array,
): Promise<void> {
  const next = queue.then(async () => {
    const database = await startTables();
    publish({ samples: null });
    try {
      await replaceSamples(database.conn, window.runId, ts, duration);
      publish({ samples: { ...window, rows: ts.length } });
    } finally {
      publish({ tables: await counts(database) });
    }
  });
  queue = next.catch(() => undefined);
  return next;
}
