import type { AsyncDuckDB, AsyncDuckDBConnection, DuckDBBundles } from "@duckdb/duckdb-wasm";
import { START_FAILED, wrappedWorkerSource } from "./duckdb-worker";

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

/** How long the wasm may take to arrive and compile before start-up is given up as failed. */
export const INSTANTIATE_DEADLINE_MS = 60_000;

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

/**
 * Rejects when the worker reports that the wasm could not be fetched or compiled, when the worker's
 * script fails, or when the deadline passes: DuckDB-WASM itself reports none of these.
 */
function startFailure(
  worker: Worker,
  wasmUrl: string,
  deadlineMs: number,
): { failed: Promise<never>; stop(): void } {
  let stop = () => {};
  const failed = new Promise<never>((_, reject) => {
    const onMessage = (event: MessageEvent) => {
      const data = event.data as { type?: unknown; message?: unknown } | null;
      if (data?.type === START_FAILED)
        reject(new Error(`${wasmUrl} could not be fetched or compiled: ${String(data.message)}`));
    };
    const onError = (event: ErrorEvent) =>
      reject(new Error(`its worker failed: ${event.message || "the worker's script could not be loaded"}`));
    const timer = setTimeout(
      () => reject(new Error(`${wasmUrl} did not arrive and compile within ${deadlineMs / 1000} s`)),
      deadlineMs,
    );
    worker.addEventListener("message", onMessage);
    worker.addEventListener("error", onError);
    stop = () => {
      clearTimeout(timer);
      worker.removeEventListener("message", onMessage);
      worker.removeEventListener("error", onError);
    };
  });
  return { failed, stop };
}

async function startDatabase(): Promise<Database> {
  mark("start");
  const duckdb = await import("@duckdb/duckdb-wasm");
  const bundle = await duckdb.selectBundle(duckdbBundles(window.location.origin));
  if (!bundle.mainWorker) throw new Error("DuckDB-WASM: no worker script in the selected bundle");
  const script = URL.createObjectURL(
    new Blob([wrappedWorkerSource(bundle.mainWorker, bundle.mainModule)], { type: "text/javascript" }),
  );
  const worker = new Worker(script);
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  const watch = startFailure(worker, bundle.mainModule, INSTANTIATE_DEADLINE_MS);
  mark("worker");
  try {
    await Promise.race([db.instantiate(bundle.mainModule, bundle.pthreadWorker), watch.failed]);
  } catch (error) {
    worker.terminate();
    throw error;
  } finally {
    watch.stop();
    URL.revokeObjectURL(script);
  }
  mark("instantiated");
  const version = await db.getVersion();
  const conn = await db.connect();
  mark("connected");
  return { db, conn, version };
}
