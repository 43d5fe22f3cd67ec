import type { Database } from "./duckdb";
import { QueryError } from "./query-error";

export type Row = Record<string, unknown>;

/** Runs one query and returns plain rows; BIGINTs stay BigInt, as DuckDB-WASM returns them. */
export async function queryRows(database: Database, sql: string): Promise<Row[]> {
  try {
    const table = await database.conn.query(sql);
    return table.toArray().map((row) => ({ ...(row as { toJSON(): Row }).toJSON() }));
  } catch (error) {
    throw new QueryError(sql, error);
  }
}

/** Runs a built query ({sql, params}) as a prepared statement and returns plain rows. */
export async function runQuery(
  database: Database,
  query: { sql: string; params: unknown[] },
): Promise<Row[]> {
  try {
    const statement = await database.conn.prepare(query.sql);
    try {
      const table = await statement.query(...query.params);
      return table.toArray().map((row) => ({ ...(row as { toJSON(): Row }).toJSON() }));
    } finally {
      await statement.close();
    }
  } catch (error) {
    throw new QueryError(query.sql, error);
  }
}
