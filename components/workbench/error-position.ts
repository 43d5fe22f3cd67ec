/** Where in the query DuckDB points: 1-based line and column, and the offset into the text. */
export interface ErrorPosition {
  line: number;
  column: number;
  offset: number;
}

/**
 * DuckDB's message without the repeated context block, and the position its caret marks. DuckDB prints
 * `LINE n: <excerpt>` and a caret under it; the excerpt may be cut (with `...`) around a long line.
 */
export function parseDuckdbError(
  message: string,
  sql: string,
): { message: string; position: ErrorPosition | null } {
  const structured = structuredError(message, sql);
  if (structured) return structured;
  const trimmed = message.replace(/\n\s*in query: [\s\S]*$/, "");
  const blocks = trimmed.split(/\n\n(?=LINE \d+:)/);
  const text = blocks.length > 2 && blocks[1] === blocks[2] ? blocks.slice(0, 2).join("\n\n") : trimmed;
  const match = /LINE (\d+): (.*)\n( *)\^/.exec(text);
  if (!match) return { message: text, position: null };
  const line = Number(match[1]);
  const caret = match[3].length - `LINE ${match[1]}: `.length;
  const lines = sql.split("\n");
  const source = lines[line - 1];
  if (source === undefined || caret < 0) return { message: text, position: null };
  const excerpt = match[2];
  const lead = excerpt.startsWith("...") ? 3 : 0;
  const body = excerpt.slice(lead).replace(/\.\.\.$/, "");
  const at = source.indexOf(body);
  if (at < 0) return { message: text, position: null };
  const column = Math.min(source.length, at + caret - lead) + 1;
  const offset = lines.slice(0, line - 1).reduce((sum, l) => sum + l.length + 1, 0) + column - 1;
  return { message: text, position: { line, column, offset } };
}

/** 1-based line and column of an offset into the text. */
export function positionAt(sql: string, offset: number): ErrorPosition {
  const at = Math.max(0, Math.min(offset, sql.length));
  const before = sql.slice(0, at).split("\n");
  return { line: before.length, column: before[before.length - 1].length + 1, offset: at };
}

/**
 * DuckDB-WASM's pending queries fail with DuckDB's error as JSON: `exception_type`, `exception_message`
 * and, when it has one, `position` (a character offset into the query).
 */
function structuredError(message: string, sql: string) {
  if (!message.trimStart().startsWith("{")) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    return null;
  }
  if (typeof parsed !== "object" || parsed === null) return null;
  const error = parsed as Record<string, unknown>;
  if (typeof error.exception_message !== "string") return null;
  const type = typeof error.exception_type === "string" ? `${error.exception_type} Error: ` : "";
  const offset = Number(error.position);
  return {
    message: `${type}${error.exception_message}`,
    position: error.position !== undefined && Number.isInteger(offset) ? positionAt(sql, offset) : null,
  };
}
