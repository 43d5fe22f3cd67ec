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
