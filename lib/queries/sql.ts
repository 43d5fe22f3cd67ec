/** A query and its positional parameters (`?`), as every builder in lib/queries returns it. */
export interface Query {
  sql: string;
  params: (number | string | bigint)[];
}

/** A table or column name, checked instead of escaped: builders only accept plain identifiers. */
export function identifier(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
    throw new Error(`not a plain SQL identifier: ${JSON.stringify(name)}`);
  return `"${name}"`;
}

/** A parameter as an SQL literal: numbers as written, text quoted (its quotes doubled). */
function literal(value: Query["params"][number]): string {
  if (typeof value === "string") return `'${value.replaceAll("'", "''")}'`;
  if (typeof value === "bigint") return value.toString();
  if (!Number.isFinite(value)) throw new RangeError(`cannot write ${value} as an SQL literal`);
  return String(value);
}

/**
 * The query as one text with its parameters written in, for the SQL workbench (which runs text): the
 * same statement a view ran, to read, change and run. `?` inside quoted text or identifiers is left alone.
 */
export function inlineParams(query: Query): string {
  let out = "";
  let next = 0;
  let quote: string | null = null;
  for (const char of query.sql) {
    if (quote) {
      if (char === quote) quote = null;
      out += char;
    } else if (char === "'" || char === '"') {
      quote = char;
      out += char;
    } else if (char === "?") {
      if (next >= query.params.length) throw new RangeError("the query has more ? than parameters");
      out += literal(query.params[next++]);
    } else out += char;
  }
  if (next !== query.params.length) throw new RangeError("the query has fewer ? than parameters");
  return out;
}
