import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openNodeDuckdb, type NodeDuckdb } from "./node-duckdb";
import { KEPT_STATEMENTS, runKeptQuery, type PreparingConnection } from "./query";

let duck: NodeDuckdb;

/** DuckDB under Node (blocking) behind the page connection's asynchronous shape, counting what it is asked. */
function counted(): PreparingConnection & { prepared: string[]; closed: string[] } {
  const prepared: string[] = [];
  const closed: string[] = [];
  return {
    prepared,
    closed,
    async prepare(sql: string) {
      prepared.push(sql);
      const statement = duck.conn.prepare(sql);
      return {
        query: async (...params: unknown[]) => statement.query(...params),
        close: async () => void closed.push(sql),
      };
    },
  };
}

beforeAll(async () => {
  duck = await openNodeDuckdb();
  duck.conn.query("CREATE TABLE t AS SELECT range AS x FROM range(10)");
});

afterAll(() => duck.terminate());

describe("kept prepared statements (runKeptQuery)", () => {
  it("prepares a text once and runs it again with other parameters", async () => {
    const conn = counted();
    const query = (min: number) => ({
      sql: "SELECT count(*)::INTEGER AS n FROM t WHERE x >= ?",
      params: [min],
    });
    expect(await runKeptQuery(conn, query(3))).toEqual([{ n: 7 }]);
    expect(await runKeptQuery(conn, query(8))).toEqual([{ n: 2 }]);
    expect(conn.prepared).toHaveLength(1);
  });

  it("answers from the tables as they are now, after rows and even the table changed", async () => {
    const conn = counted();
    const query = { sql: "SELECT sum(x)::INTEGER AS s FROM t", params: [] };
    expect(await runKeptQuery(conn, query)).toEqual([{ s: 45 }]);
    duck.conn.query("INSERT INTO t VALUES (100)");
    expect(await runKeptQuery(conn, query)).toEqual([{ s: 145 }]);
    duck.conn.query("DROP TABLE t");
    duck.conn.query("CREATE TABLE t AS SELECT range * 2 AS x FROM range(10)");
    expect(await runKeptQuery(conn, query)).toEqual([{ s: 90 }]);
  });

  it("keeps the most recently used texts and closes the one it drops", async () => {
    const conn = counted();
    const text = (i: number) => `SELECT ${i} AS i`;
    for (let i = 0; i <= KEPT_STATEMENTS; i++) await runKeptQuery(conn, { sql: text(i), params: [] });
    expect(conn.closed).toEqual([text(0)]);
    await runKeptQuery(conn, { sql: text(1), params: [] });
    expect(conn.prepared).toHaveLength(KEPT_STATEMENTS + 1);
    await runKeptQuery(conn, { sql: text(0), params: [] });
    expect(conn.prepared).toHaveLength(KEPT_STATEMENTS + 2);
    // Text 1 was used again just before: the least recently used, text 2, went instead.
    expect(conn.closed).toEqual([text(0), text(2)]);
  });

  it("gives DuckDB's message with the SQL, and does not keep a text that failed", async () => {
    const conn = counted();
    const bad = { sql: "SELECT nope FROM t", params: [] };
    await expect(runKeptQuery(conn, bad)).rejects.toThrow(/nope[\s\S]*in query: SELECT nope FROM t/);
    await expect(runKeptQuery(conn, bad)).rejects.toThrow(/nope/);
    expect(conn.prepared).toEqual([bad.sql, bad.sql]);
  });
});
