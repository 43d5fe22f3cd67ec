// Node only: DuckDB-WASM's blocking Node build, the same engine and SQL the browser runs. For tests and
// benchmarks (the naive way); no native dependency.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

type Row = { toJSON(): Record<string, unknown> };
type Result = { toArray(): Row[]; numRows: number };

export interface NodeDuckdbConnection {
  query(sql: string): Result;
  prepare(sql: string): { query(...params: unknown[]): Result };
  insertArrowFromIPCStream(bytes: Uint8Array, options: { name: string; create?: boolean }): void;
  close(): void;
}

export interface NodeDuckdb {
  conn: NodeDuckdbConnection;
  /** Closes the connection and ends the engine. */
  terminate(): Promise<void>;
}

export async function openNodeDuckdb(): Promise<NodeDuckdb> {
  const require = createRequire(import.meta.url);
  const entry = require.resolve("@duckdb/duckdb-wasm/dist/duckdb-node-blocking.cjs");
  const duckdb = require(entry);
  const dist = dirname(entry);
  const db = await duckdb.createDuckDB(
    {
      mvp: {
        mainModule: join(dist, "duckdb-mvp.wasm"),
        mainWorker: join(dist, "duckdb-node-mvp.worker.cjs"),
      },
      eh: { mainModule: join(dist, "duckdb-eh.wasm"), mainWorker: join(dist, "duckdb-node-eh.worker.cjs") },
    },
    new duckdb.VoidLogger(),
    duckdb.NODE_RUNTIME,
  );
  await db.instantiate();
  const conn: NodeDuckdbConnection = db.connect();
  return {
    conn,
    async terminate() {
      conn.close();
      await db.terminate?.();
    },
  };
}
