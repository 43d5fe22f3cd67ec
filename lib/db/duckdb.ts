import type { AsyncDuckDB, AsyncDuckDBConnection, DuckDBBundles } from "@duckdb/duckdb-wasm";
import {
  ENGINE_INSTANTIATED,
  ENGINE_QUERY_PORT,
  PAGE_LEFT,
  START_FAILED,
  sharedEngineFile,
  wrappedWorkerSource,
} from "./duckdb-worker";
import { EngineQueries } from "./engine-query";
import { connectSharedEngine, tabEngineId, type EngineState } from "./tab-engine";

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
  /** Whether the engine was kept from this tab's last page (lib/db/tab-engine.ts) or started for this one. */
  kept: boolean;
  /** ms from the start of this page's start-up until DuckDB was connected. */
  startMs: number;
  /** Queries answered in one round trip (by the shared engine, or a dedicated worker's query port). */
  engine: EngineQueries | null;
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

/** Anything DuckDB-WASM can talk to: a Worker, or a SharedWorker's port (PortWorker). */
type WorkerLike = Pick<Worker, "addEventListener" | "removeEventListener" | "terminate">;

/**
 * Rejects when the worker reports that the wasm could not be fetched or compiled, when the worker's
 * script fails, or when the deadline passes: DuckDB-WASM itself reports none of these. `control` is
 * where the worker's own messages arrive (the worker itself, or a PortWorker's `control`).
 */
function startFailure(
  worker: WorkerLike,
  control: Pick<EventTarget, "addEventListener" | "removeEventListener">,
  wasmUrl: string,
  deadlineMs: number,
): { failed: Promise<never>; stop(): void } {
  let stop = () => {};
  const failed = new Promise<never>((_, reject) => {
    const onMessage = (event: Event) => {
      const data = (event as MessageEvent).data as { type?: unknown; message?: unknown } | null;
      if (data?.type === START_FAILED)
        reject(new Error(`${wasmUrl} could not be fetched or compiled: ${String(data.message)}`));
    };
    const onError = (event: Event) =>
      reject(
        new Error(
          `its worker failed: ${(event as ErrorEvent).message || "the worker's script could not be loaded"}`,
        ),
      );
    const timer = setTimeout(
      () => reject(new Error(`${wasmUrl} did not arrive and compile within ${deadlineMs / 1000} s`)),
      deadlineMs,
    );
    control.addEventListener("message", onMessage);
    worker.addEventListener("error", onError);
    stop = () => {
      clearTimeout(timer);
      control.removeEventListener("message", onMessage);
      worker.removeEventListener("error", onError);
    };
  });
  return { failed, stop };
}

/** Resolves once a shared engine that another page of this tab was instantiating says it is done. */
function instantiatedElsewhere(control: EventTarget): Promise<void> {
  return new Promise((resolve) => {
    const onMessage = (event: Event) => {
      if (((event as MessageEvent).data as { type?: unknown } | null)?.type !== ENGINE_INSTANTIATED) return;
      control.removeEventListener("message", onMessage);
      resolve();
    };
    control.addEventListener("message", onMessage);
  });
}

interface Engine {
  worker: WorkerLike;
  control: EventTarget;
  /** fresh for a dedicated worker; a shared engine may already be instantiated. */
  state: EngineState;
  /** Once start-up has ended, well or not. */
  settled(): void;
  queries: EngineQueries | null;
  /** Tells a shared engine this page has left for good (it frees the page's tables). */
  left(): void;
}

/**
 * This tab's shared engine where the browser keeps one across navigations (tab-engine.ts), else a
 * dedicated worker started from a blob: URL.
 */
async function openEngine(mainModule: string, mainWorker: string): Promise<Engine> {
  const base = `${window.location.origin}${DUCKDB_ASSET_PATH}`;
  const bundle = mainModule.endsWith("duckdb-mvp.wasm") ? "mvp" : "eh";
  if (typeof SharedWorker === "function" && navigator.locks) {
    const id = await tabEngineId(sessionStorage, navigator.locks, () => crypto.randomUUID());
    const shared = connectSharedEngine(
      `${base}/${sharedEngineFile()}?bundle=${bundle}`,
      `${sharedEngineFile()}:${id}`,
    );
    // Where the engine's script cannot be loaded, a dedicated worker does the job (without keeping it).
    const state = await shared?.state.catch(() => null);
    if (shared && state)
      return {
        worker: shared.worker,
        control: shared.worker.control,
        state,
        settled() {},
        queries: new EngineQueries(shared.worker),
        left: () => shared.worker.postMessage({ type: PAGE_LEFT }),
      };
    shared?.worker.terminate();
  }
  const script = URL.createObjectURL(
    new Blob([wrappedWorkerSource(mainWorker, mainModule)], { type: "text/javascript" }),
  );
  const worker = new Worker(script);
  // The workbench's queries go on a port of their own, in one message each way, as with the shared engine.
  const queries = new MessageChannel();
  worker.postMessage({ type: ENGINE_QUERY_PORT }, [queries.port2]);
  queries.port1.start();
  return {
    worker,
    control: worker,
    state: "fresh",
    settled: () => URL.revokeObjectURL(script),
    queries: new EngineQueries({
      postMessage: (message) => queries.port1.postMessage(message),
      control: queries.port1,
    }),
    left() {},
  };
}

async function startDatabase(): Promise<Database> {
  mark("start");
  const startedAt = performance.now();
  const duckdb = await import("@duckdb/duckdb-wasm");
  const bundle = await duckdb.selectBundle(duckdbBundles(window.location.origin));
  if (!bundle.mainWorker) throw new Error("DuckDB-WASM: no worker script in the selected bundle");
  const engine = await openEngine(bundle.mainModule, bundle.mainWorker);
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), engine.worker as Worker);
  const watch = startFailure(engine.worker, engine.control, bundle.mainModule, INSTANTIATE_DEADLINE_MS);
  mark("worker");
  try {
    const instantiated =
      engine.state === "fresh"
        ? db.instantiate(bundle.mainModule, bundle.pthreadWorker)
        : engine.state === "instantiating"
          ? instantiatedElsewhere(engine.control)
          : Promise.resolve();
    await Promise.race([instantiated, watch.failed]);
  } catch (error) {
    engine.worker.terminate();
    throw error;
  } finally {
    watch.stop();
    engine.settled();
  }
  const kept = engine.state !== "fresh";
  mark("instantiated");
  // A kept engine still holds the last page's database: start from a clean one (no tables, settings
  // or objects of that page; its lockdown is gone too, and page-tables.ts applies it again).
  if (kept) await db.reset();
  const version = await db.getVersion();
  const conn = await db.connect();
  mark("connected");
  // A page kept for back/forward (bfcache) may come back to its tables; any other leaves them behind.
  window.addEventListener("pagehide", (event) => event.persisted || engine.left());
  howStarted = { kept, startMs: performance.now() - startedAt };
  return { db, conn, version, ...howStarted, engine: engine.queries };
}

let howStarted: Pick<Database, "kept" | "startMs"> | null = null;

/** How this page's engine started, once it has (the footer says it). */
export function engineStart(): Pick<Database, "kept" | "startMs"> | null {
  return howStarted;
}
