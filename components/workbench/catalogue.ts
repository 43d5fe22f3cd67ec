import { CATALOGUE } from "@/lib/db/tables/catalogue";

/** The tables the user can query and their columns, as DuckDB itself lists them (with each column's comment). */
export const CATALOGUE_SQL = `SELECT c.table_name, c.column_name, c.data_type, c.comment, t.estimated_size
FROM duckdb_columns() c JOIN duckdb_tables() t USING (database_name, schema_name, table_name)
WHERE NOT c.internal AND c.schema_name = 'main'
ORDER BY c.table_name, c.column_index`;

export interface CatalogueTable {
  name: string;
  rows: number | null;
  meaning: string | null;
  columns: { name: string; type: string; meaning: string | null }[];
}

/**
 * Groups the catalogue query's rows by table, in the order DuckDB gave them. A column's meaning is its
 * DuckDB comment, or else the tables' contract (lib/db/tables/catalogue.ts).
 */
export function groupCatalogue(rows: Record<string, unknown>[]): CatalogueTable[] {
  const tables = new Map<string, CatalogueTable>();
  for (const row of rows) {
    const name = String(row.table_name);
    let table = tables.get(name);
    if (!table) {
      const size = row.estimated_size;
      table = {
        name,
        rows: size === null || size === undefined ? null : Number(size),
        meaning: CATALOGUE.find((t) => t.name === name)?.meaning ?? null,
        columns: [],
      };
      tables.set(name, table);
    }
    const comment = row.comment;
    const column = String(row.column_name);
    const documented = CATALOGUE.find((t) => t.name === name)?.columns.find((c) => c.name === column);
    table.columns.push({
      name: column,
      type: String(row.data_type),
      meaning: typeof comment === "string" && comment !== "" ? comment : (documented?.meaning ?? null),
    });
  }
  return [...tables.values()];
}
