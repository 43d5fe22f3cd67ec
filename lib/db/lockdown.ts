/**
 * What user SQL may not do: read files or URLs, load or install extensions, or change these settings
 * back. Applied once the tables are created; inserts and queries go on as before.
 */
export const LOCKDOWN_STATEMENTS = [
  "SET enable_external_access = false",
  "SET autoinstall_known_extensions = false",
  "SET autoload_known_extensions = false",
  "SET lock_configuration = true",
] as const;

/** Applies every lockdown statement in one query: one round trip to DuckDB's worker, not one each. */
export async function lockDown(conn: { query(sql: string): unknown }): Promise<void> {
  await conn.query(LOCKDOWN_STATEMENTS.map((statement) => `${statement};`).join("\n"));
}
