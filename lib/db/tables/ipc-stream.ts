import { Float64, Table, Utf8, tableToIPC, vectorFromArray } from "apache-arrow";
import { tableOf, type TableName } from "./catalogue";
import type { TableRows } from "./summary-rows";

/**
 * Rows as Arrow IPC *stream* bytes, ending with the end-of-stream marker (DuckDB-WASM inserts nothing
 * without it), written with the project's apache-arrow: DuckDB-WASM bundles its own, so it is given
 * bytes, never Table objects. Numbers go as float64 (exact to 2^53) and DuckDB casts them to the
 * catalogue's column types on insert.
 */
export function rowsToIpcStream(name: TableName, rows: TableRows): Uint8Array {
  const columns = tableOf(name).columns;
  const vectors = Object.fromEntries(
    columns.map((col) => {
      const values = rows[col.name];
      if (!values) throw new Error(`rows for ${name} lack the column ${col.name}`);
      return [col.name, vectorFromArray(values, col.type === "VARCHAR" ? new Utf8() : new Float64())];
    }),
  );
  return tableToIPC(new Table(vectors), "stream");
}

export function rowCount(rows: TableRows): number {
  return Object.values(rows)[0]?.length ?? 0;
}
