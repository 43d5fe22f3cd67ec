import type { Database } from "./duckdb";
import { QueryError } from "./query-error";

export type Row = Record<string, unknown>;

type ArrowTable = { toArray(): unknown[] };
const plainRows = (table: ArrowTable): Row[] =>
  table.toArray().map((row) => ({ ...(row as { toJSON(): Row }).toJSON() }));

/** Runs one query and returns plain rows; BIGINTs stay BigInt, as DuckDB-WASM returns them. */
export async function queryRows(database: Database, sql: string): Promise<Row[]> {
  try {
    return plainRows(await database.conn.query(sql));
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
      return plainRows(await statement.query(...query.params));
    } finally {
      await statement.close();
    }
  } catch (error) {
    throw new QueryError(query.sql, error);
  }
}

/** What a kept statement needs of DuckDB-WASM's connection and prepared statement. */
export interface PreparingConnection {
  prepare(sql: string): Promise<KeptStatement>;
}
export interface KeptStatement {
  query(...params: unknown[]): Promise<ArrowTable>;
  close(): Promise<void>;
}

/** Statements kept per connection, by SQL text, most recently used last. */
const kept = new WeakMap<PreparingConnection, Map<string, Promise<KeptStatement>>>();
/** Views ask a handful of distinct texts (one per statistic, view and run): more than enough. */
export const KEPT_STATEMENTS = 32;

function statementFor(conn: PreparingConnection, sql: string): Promise<KeptStatement> {
  const statements = kept.get(conn) ?? new Map<string, Promise<KeptStatement>>();
  kept.set(conn, statements);
  const known = statements.get(sql);
  statements.delete(sql);
  const statement = known ?? conn.prepare(sql);
  statements.set(sql, statement);
  if (!known) statement.catch(() => statements.get(sql) === statement && statements.delete(sql));
  if (statements.size > KEPT_STATEMENTS) {
    const [oldest, dropped] = statements.entries().next().value!;
    statements.delete(oldest);
    void dropped.then((s) => s.close()).catch(() => undefined);
  }
  return statement;
}

/**
 * Runs a built query as a statement prepared once per connection and SQL text and kept: asked again
 * with the same or other parameters (a view redrawn, a statistic chosen again), DuckDB runs its plan
 * without parsing and planning the text again, in one round trip to its worker. A kept statement that
 * fails is dropped and the query prepared afresh once (the tables it was planned on may have changed).
 */
export async function runKeptQuery(
  conn: PreparingConnection,
  query: { sql: string; params: unknown[] },
): Promise<Row[]> {
  for (let attempt = 0; ; attempt++) {
    const known = kept.get(conn)?.has(query.sql) ?? false;
    const statement = statementFor(conn, query.sql);
    try {
      return plainRows(await (await statement).query(...query.params));
    } catch (error) {
      const statements = kept.get(conn)!;
      if (statements.get(query.sql) === statement) statements.delete(query.sql);
      void statement.then((s) => s.close()).catch(() => undefined);
      if (!known || attempt > 0) throw new QueryError(query.sql, error);
    }
  }
}
