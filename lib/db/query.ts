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
