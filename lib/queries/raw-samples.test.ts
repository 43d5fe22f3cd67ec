import { beforeAll, describe, expect, it } from "vitest";
import { openNodeDuckdb, type NodeDuckdbConnection } from "../db/node-duckdb";
import { rawM4, rawStatistics } from "./raw-samples";
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
