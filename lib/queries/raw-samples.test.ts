import { beforeAll, describe, expect, it } from "vitest";
import { syntheticSampleBatches } from "../format/testing/synthetic-trace";
import { openNodeDuckdb, type NodeDuckdbConnection } from "../db/node-duckdb";
import { replaceSamples, SAMPLES_CAP, samplesRefusal } from "../db/samples-table";
import { tableOf } from "../db/tables/catalogue";
import { createTables } from "../db/tables/load";
import { rawM4, rawStatistics, SAMPLES_QUERY } from "./raw-samples";
import type { Query } from "./sql";

// The real engine, in Node: the same SQL the browser runs.
let conn: NodeDuckdbConnection;

function run(query: Query) {
  return conn
    .prepare(query.sql)
    .query(...query.params)
    .toArray()
    .map((row) => row.toJSON());
}

// Samples 0..999 at ts = 10 * i, duration = 100 + (i % 7), with one spike of 5000 at i = 437.
beforeAll(async () => {
  ({ conn } = await openNodeDuckdb());
  conn.query(`CREATE TABLE raw AS SELECT (i * 10)::BIGINT AS ts_ns,
    (CASE WHEN i = 437 THEN 5000 ELSE 100 + i % 7 END)::UINTEGER AS duration_ns FROM range(1000) t(i)`);
});

describe("raw-sample queries in DuckDB", () => {
  it("M4 gives each column's exact min, max and the time of the max", () => {
    const rows = run(rawM4("raw", 0, 10_000, 10));
    expect(rows).toHaveLength(10);
    expect(rows[4]).toMatchObject({ col: 4, max: 5000, max_ts: 4370, n: 100 });
    expect(rows[0]).toMatchObject({ min: 100, max: 106 });
  });

  it("M4 on a window counts only the samples inside it", () => {
    const rows = run(rawM4("raw", 4300, 4400, 2));
    expect(rows.map((r) => r.n)).toEqual([5, 5]);
    expect(rows[1]).toMatchObject({ max: 5000, max_ts: 4370 });
  });

  it("statistics give count, span, maximum and percentiles", () => {
    const [row] = run(rawStatistics("raw", [50, 99.9]));
    expect(row).toMatchObject({
      n: 1000,
      start_ns: 0,
      end_ns: 9990,
      max: 5000,
      max_ts: 4370,
      p0: 103,
      p1: 106,
    });
  });

  it("refuses a table name that is not a plain identifier", () => {
    expect(() => rawM4("raw; DROP TABLE raw", 0, 1, 1)).toThrow(/identifier/);
  });
});

describe("the samples table, loaded on request, and the workbench's query over it", () => {
  // 10 s of a tick run with its once-a-second stall and a 4 ms worst sample at 4.2 s.
  const { batches, truth } = syntheticSampleBatches({
    samples: 150_000,
    worst: { atNs: 4.2e9, ns: 4_000_000 },
  });
  const ts = Float64Array.from(batches.flatMap((b) => Array.from(b.ts)));
  const duration = Float64Array.from(batches.flatMap((b) => Array.from(b.duration)));

  function windowOf(t0: number, t1: number) {
    const at: number[] = [];
    ts.forEach((t, i) => t >= t0 && t < t1 && at.push(i));
    return { ts: Float64Array.from(at, (i) => ts[i]), duration: Float64Array.from(at, (i) => duration[i]) };
  }

  function bruteForce(window: { ts: Float64Array; duration: Float64Array }) {
    let worst = 0;
    window.duration.forEach((d, i) => d > window.duration[worst] && (worst = i));
    return {
      samples: window.ts.length,
      max_duration_ns: window.duration[worst],
      max_at_ts_ns: window.ts[worst],
      first_ts_ns: window.ts[0],
      last_ts_ns: window.ts[window.ts.length - 1],
    };
  }

  it("holds the window's samples and answers with their true count, maximum and its time", async () => {
    await createTables(conn);
    const window = windowOf(3.9e9, 4.6e9);
    await replaceSamples(conn, "b.zip/tick'1", window.ts, window.duration);
    const [row] = conn
      .query(SAMPLES_QUERY)
      .toArray()
      .map((r) => r.toJSON());
    expect({ ...row, samples: Number(row.samples) }).toEqual(bruteForce(window));
    expect(row.max_duration_ns).toBe(truth.max.durationNs);
    expect(
      conn
        .query("SELECT DISTINCT run_id FROM samples")
        .toArray()
        .map((r) => r.toJSON()),
    ).toEqual([{ run_id: "b.zip/tick'1" }]);
    // Its columns are the contract's.
    expect(
      conn
        .query("DESCRIBE samples")
        .toArray()
        .map((r) => r.toJSON().column_name),
    ).toEqual(tableOf("samples").columns.map((c) => c.name));
  });

  it("a new window replaces the previous one; an empty window leaves the table empty", async () => {
    const second = windowOf(0, 0.5e9);
    await replaceSamples(conn, "other", second.ts, second.duration);
    const [row] = conn
      .query(SAMPLES_QUERY)
      .toArray()
      .map((r) => r.toJSON());
    expect(Number(row.samples)).toBe(second.ts.length);
    expect(
      conn.query("SELECT count(DISTINCT run_id)::INTEGER AS n FROM samples").toArray()[0].toJSON(),
    ).toEqual({
      n: 1,
    });
    await replaceSamples(conn, "other", new Float64Array(0), new Float64Array(0));
    expect(Number(conn.query(SAMPLES_QUERY).toArray()[0].toJSON().samples)).toBe(0);
    expect(
      conn
        .query("SELECT count(*)::INTEGER AS n FROM duckdb_tables() WHERE table_name = 'samples_incoming'")
        .toArray()[0]
        .toJSON(),
    ).toEqual({ n: 0 });
  });

  it("the refusal gives the cap and the window's count", () => {
    expect(samplesRefusal(12_345_678, SAMPLES_CAP)).toMatch(
      /this window holds 12,345,678 samples, more than the 5,000,000 that “Query these samples” loads/,
    );
  });
});
