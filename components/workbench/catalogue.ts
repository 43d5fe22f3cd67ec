/** The tables the user can query and their columns, as DuckDB itself lists them (with each column's comment). */
export const CATALOGUE_SQL = `SELECT c.table_name, c.column_name, c.data_type, c.comment, t.estimated_size
FROM duckdb_columns() c JOIN duckdb_tables() t USING (database_name, schema_name, table_name)
WHERE NOT c.internal AND c.schema_name = 'main'
ORDER BY c.table_name, c.column_index`;

export interface CatalogueTable {
  name: string;
  rows: number | null;
  columns: { name: string; type: string; meaning: string | null }[];
}

/** Groups the catalogue query's rows by table, in the order DuckDB gave them. */
export function groupCatalogue(rows: Record<string, unknown>[]): CatalogueTable[] {
  const tables = new Map<string, CatalogueTable>();
  for (const row of rows) {
    const name = String(row.table_name);
    let table = tables.get(name);
    if (!table) {
      const size = row.estimated_size;
      table = { name, rows: size === null || size === undefined ? null : Number(size), columns: [] };
      tables.set(name, table);
    }
    const comment = row.comment;
    table.columns.push({
      name: String(row.column_name),
      type: String(row.data_type),
      meaning: typeof comment === "string" && comment !== "" ? comment : null,
    });
  }
  return [...tables.values()];
}
