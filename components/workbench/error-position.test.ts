import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openNodeDuckdb, type NodeDuckdb } from "@/lib/db/node-duckdb";
import { parseDuckdbError } from "./error-position";

let duck: NodeDuckdb;
beforeAll(async () => {
  duck = await openNodeDuckdb();
});
afterAll(async () => {
  await duck.terminate();
});

function failure(sql: string) {
  try {
    duck.conn.query(sql);
  } catch (error) {
    return parseDuckdbError((error as Error).message, sql);
  }
  throw new Error(`expected ${sql} to fail`);
}

describe("DuckDB's error, shown inline", () => {
  it("keeps DuckDB's message once and finds the position its caret marks", () => {
    const sql = "SELECT 1\nFROM range(3)\nWHERE nope > 2";
    const { message, position } = failure(sql);
    expect(message).toMatch(/^Binder Error: Referenced column "nope" not found/);
    expect(message.match(/LINE 3:/g)).toHaveLength(1);
    expect(position).toEqual({ line: 3, column: 7, offset: sql.indexOf("nope") });
  });

  it("points at a syntax error", () => {
    const sql = "SELEC max(max_overhead_ns) FROM runs";
    const { message, position } = failure(sql);
    expect(message).toMatch(/^Parser Error: syntax error at or near "SELEC"/);
    expect(position).toEqual({ line: 1, column: 1, offset: 0 });
  });

  it("finds the position inside a long line that DuckDB cuts", () => {
    const sql = `SELECT ${Array.from({ length: 40 }, (_, i) => `${i} AS c${i}`).join(", ")}, missing_one FROM range(1)`;
    const { position } = failure(sql);
    expect(position?.offset).toBe(sql.indexOf("missing_one"));
  });

  it("reads the JSON error a pending query (send) fails with, and its character offset", () => {
    const sql = "SELECT max(max_overhead_ns)\nFROM runs\nWHERE";
    const json = JSON.stringify({
      exception_type: "Parser",
      exception_message: "syntax error at end of input",
      error_subtype: "SYNTAX_ERROR",
      position: String(sql.length),
    });
    expect(parseDuckdbError(json, sql)).toEqual({
      message: "Parser Error: syntax error at end of input",
      position: { line: 3, column: 6, offset: sql.length },
    });
  });

  it("gives no position where DuckDB gives none", () => {
    expect(parseDuckdbError("Permission Error: Cannot access file", "INSTALL httpfs")).toEqual({
      message: "Permission Error: Cannot access file",
      position: null,
    });
  });
});
