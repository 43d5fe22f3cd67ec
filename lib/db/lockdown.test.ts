import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lockDown } from "./lockdown";
import { refusedStatement } from "./statement-guard";
import { openNodeDuckdb, type NodeDuckdb } from "./node-duckdb";
import { createTables } from "./tables/load";

let duck: NodeDuckdb;
const run = (sql: string) => () => duck.conn.query(sql);
/** The queries lockDown sent to the engine (each one is a round trip to DuckDB's worker in the page). */
const lockdownQueries: string[] = [];

beforeAll(async () => {
  duck = await openNodeDuckdb();
  await createTables(duck.conn);
  await lockDown({
    query: (sql: string) => {
      lockdownQueries.push(sql);
      return duck.conn.query(sql);
    },
  });
});

afterAll(() => duck.terminate());

describe("the locked-down engine refuses what user SQL must not do", () => {
  it("reads no URL", () => {
    expect(run("SELECT * FROM read_csv('http://127.0.0.1:1/x')")).toThrow(/disabled|external access/i);
  });

  it("reads no local file", () => {
    expect(run("SELECT * FROM read_csv('/etc/passwd')")).toThrow(/disabled|external access/i);
  });

  it("installs and loads no extension: INSTALL is refused before the engine, which would install nothing", () => {
    expect(refusedStatement("INSTALL httpfs")).toMatch(/INSTALL.*refused/);
    expect(refusedStatement("select 1; /* x */ force install httpfs")).toMatch(/FORCE INSTALL.*refused/);
    expect(refusedStatement("LOAD httpfs")).toMatch(/LOAD.*refused/);
    expect(refusedStatement("ATTACH 'x.db'")).toMatch(/ATTACH.*refused/);
    duck.conn.query("INSTALL httpfs");
    expect(
      duck.conn
        .query("SELECT installed FROM duckdb_extensions() WHERE extension_name = 'httpfs'")
        .toArray()[0]
        .toJSON(),
    ).toEqual({ installed: false });
    expect(run("LOAD httpfs")).toThrow(/disabled through configuration/);
  });

  it("lets ordinary queries through the guard, whatever their strings say", () => {
    expect(refusedStatement("SELECT 'install httpfs' AS x -- load x\nFROM runs")).toBeNull();
    expect(refusedStatement("SELECT environment, max(max_overhead_ns) FROM runs GROUP BY 1")).toBeNull();
  });

  it("holds each setting the lockdown asks for, read back from the engine", () => {
    const settings = duck.conn
      .query(
        `SELECT current_setting('enable_external_access') AS external,
          current_setting('autoinstall_known_extensions') AS autoinstall,
          current_setting('autoload_known_extensions') AS autoload,
          current_setting('lock_configuration') AS locked`,
      )
      .toArray()[0]
      .toJSON();
    expect(settings).toEqual({ external: false, autoinstall: false, autoload: false, locked: true });
  });

  it("is applied in one round trip", () => {
    expect(lockdownQueries).toHaveLength(1);
  });

  it("cannot turn any of it back on", () => {
    expect(run("SET enable_external_access = true")).toThrow(/lock/i);
    expect(run("SET autoload_known_extensions = true")).toThrow(/lock/i);
    expect(run("SET autoinstall_known_extensions = true")).toThrow(/lock/i);
    expect(run("SET lock_configuration = false")).toThrow(/lock/i);
    expect(run("RESET enable_external_access")).toThrow(/lock/i);
  });

  it("still queries and fills its tables", () => {
    duck.conn.query("INSERT INTO load_errors VALUES ('r', 'why')");
    expect(duck.conn.query("SELECT count(*)::INTEGER AS n FROM load_errors").toArray()[0].toJSON()).toEqual({
      n: 1,
    });
  });
});
