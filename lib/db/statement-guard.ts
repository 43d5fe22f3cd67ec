/**
 * DuckDB-WASM accepts `INSTALL x` as a no-op (it installs nothing: extensions would be fetched on
 * `LOAD`, which the lockdown refuses). So that user SQL hears "no" at once rather than a silent
 * success, statements that install, load or attach are refused here, before the engine sees them.
 */
const REFUSED =
  /^(?:force\s+)?install\b|^load\b|^attach\b|^detach\b|^export\s+database\b|^import\s+database\b/i;

/** The statements' first words, with comments and string literals taken out. */
function statementHeads(sql: string): string[] {
  const plain = sql
    .replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"/g, "''")
    .replace(/--[^\n]*/g, " ")
    .replace(/\/\*[\s\S]*?\*\//g, " ");
  return plain
    .split(";")
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Why the SQL is refused, or null when it may run. */
export function refusedStatement(sql: string): string | null {
  for (const statement of statementHeads(sql)) {
    const match = REFUSED.exec(statement);
    if (match)
      return `“${match[0].toUpperCase()}” is refused: extensions, attached databases and files are locked out of this workbench (only the loaded tables can be queried).`;
  }
  return null;
}

/** Whether the SQL may add, change or drop a table or view (so the catalogue must be read again). */
export function changesSchema(sql: string): boolean {
  return statementHeads(sql).some((statement) => /^(?:create|drop|alter)\b/i.test(statement));
}
