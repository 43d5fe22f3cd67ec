import type { AsyncDuckDB, AsyncDuckDBConnection, DuckDBBundles } from "@duckdb/duckdb-wasm";

/** The installed @duckdb/duckdb-wasm (package.json pins it; a test checks the two agree). */
export const DUCKDB_VERSION = "1.32.0";

/**
 * Where the postinstall step copies DuckDB-WASM's files: served by the app itself, never a CDN, under
 * a path that changes with the version, so they are served `immutable` (next.config.js) and Chromium's
 * code cache compiles the wasm once, not on every visit.
 */
export const DUCKDB_ASSET_PATH = `/duckdb/${DUCKDB_VERSION}`;

export interface Database {
  db: AsyncDuckDB;
  conn: AsyncDuckDBConnection;
  version: string;
}

export function duckdbBundles(origin: string): DuckDBBundles {
  const base = `${origin}${DUCKDB_ASSET_PATH}`;
  return {
    mvp: { mainModule: `${base}/duckdb-mvp.wasm`, mainWorker: `${base}/duckdb-browser-mvp.worker.js` },
    eh: { mainModule: `${base}/duckdb-eh.wasm`, mainWorker: `${base}/duckdb-browser-eh.worker.js` },
  };
}

let started: Promise<Database> | null = null;

/** DuckDB-WASM, started once per page in its own Web Worker; every caller shares the same promise. */
export function getDatabase(): Promise<Database> {
  if (!started) {
    started = startDatabase().catch((error: unknown) => {
      started = null;
      throw error;
    });
  }
  return started;
}

/** Marks on the page's performance timeline (`duckdb:…`), which the UI benchmark reads to say where start-up goes. */
function mark(name: string): void {
  performance.mark(`duckdb:${name}`);
}

async function startDatabase(): Promise<Database> {
  mark("start");
  const duckdb = await import("@duckdb/duckdb-wasm");
  const bundle = await duckdb.selectBundle(duckdbBundles(window.location.origin));
  if (!bundle.mainWorker) throw new Error("DuckDB-WASM: no worker script in the selected bundle");
  const worker = new Worker(bundle.mainWorker);
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  mark("worker");
  await db.instantiate(bundle.mainModule, bundle.pthreadWorker);
  mark("instantiated");
  const version = await db.getVersion();
  const conn = await db.connect();
  mark("connected");
  return { db, conn, version };
}
