// The sampler's hand-laid Flatbuffers read by a second, independent Arrow implementation: DuckDB's.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ensureSampler, run, tempDir } from "./helpers";

const require = createRequire(import.meta.url);
const duckdb = require("@duckdb/duckdb-wasm/dist/duckdb-node-blocking.cjs");
const dist = join(require.resolve("@duckdb/duckdb-wasm/dist/duckdb-node-blocking.cjs"), "..");

/** A run file's record batches as an IPC stream: the file minus its magic and its footer. */
function streamOf(file: string): Uint8Array {
  const bytes = readFileSync(file);
  const footer = bytes.readInt32LE(bytes.length - 10);
  return new Uint8Array(bytes.subarray(8, bytes.length - 10 - footer));
}

describe("DuckDB reads the sampler's Arrow files", () => {
  it("tick and switch runs load into DuckDB with the contract's types and every row", async () => {
    const sampler = ensureSampler();
    const dir = tempDir();
    const tick = join(dir, "tick.arrow");
    const sw = join(dir, "switch.arrow");
    expect((await run(sampler, ["tick", "--iterations", "0", "--samples", "1100000", "-o", tick])).code).toBe(
      0,
    );
    expect((await run(sampler, ["switch", "--threads", "3", "--samples", "3000", "-o", sw])).code).toBe(0);

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
    const conn = db.connect();
    conn.insertArrowFromIPCStream(streamOf(tick), { name: "tick" });
    conn.insertArrowFromIPCStream(streamOf(sw), { name: "sw" });
    const row = (sql: string) => conn.query(sql).toArray()[0].toJSON();
    expect(
      row(
        "select count(*)::int as n, min(ts_ns)::int as t0, typeof(any_value(ts_ns)) as ts, typeof(any_value(duration_ns)) as d from tick",
      ),
    ).toEqual({
      n: 1100000,
      t0: 0,
      ts: "BIGINT",
      d: "UINTEGER",
    });
    expect(
      row(
        "select count(*)::int as n, count(distinct thread)::int as threads, typeof(any_value(thread)) as t from sw",
      ),
    ).toEqual({
      n: 3000,
      threads: 3,
      t: "INTEGER",
    });
    conn.close();
  });
});
