import { Float64, Table, Utf8, makeData, makeVector, tableToIPC, type Vector } from "apache-arrow";
import { tableOf, type TableName } from "./catalogue";
import type { ColumnValues, TableRows } from "./summary-rows";

/**
 * Rows as Arrow IPC *stream* bytes, ending with the end-of-stream marker (DuckDB-WASM inserts nothing
 * without it), written with the project's apache-arrow: DuckDB-WASM bundles its own, so it is given
 * bytes, never Table objects. Numbers go as float64 (exact to 2^53) and DuckDB casts them to the
 * catalogue's column types on insert. Columns are laid out by hand (makeData), not with apache-arrow's
 * builders, which compile code with `new Function`: the page's Content-Security-Policy forbids that.
 */
export function rowsToIpcStream(name: TableName, rows: TableRows): Uint8Array {
  const columns = tableOf(name).columns;
  const vectors = Object.fromEntries(
    columns.map((col) => {
      const values = rows[col.name];
      if (!values) throw new Error(`rows for ${name} lack the column ${col.name}`);
      return [col.name, col.type === "VARCHAR" ? textVector(values) : numberVector(values)];
    }),
  );
  return tableToIPC(new Table(vectors), "stream");
}

/** The validity bitmap (bit set: a value) and the count of nulls. */
function validity(values: ColumnValues): { nullBitmap: Uint8Array; nullCount: number } {
  const nullBitmap = new Uint8Array(Math.ceil(values.length / 8));
  let nullCount = 0;
  values.forEach((v, i) => {
    if (v === null) nullCount++;
    else nullBitmap[i >> 3] |= 1 << (i & 7);
  });
  return { nullBitmap, nullCount };
}

function numberVector(values: ColumnValues): Vector<Float64> {
  const data = Float64Array.from(values, (v) => (typeof v === "number" ? v : 0));
  return makeVector(makeData({ type: new Float64(), length: values.length, data, ...validity(values) }));
}

function textVector(values: ColumnValues): Vector<Utf8> {
  const encoder = new TextEncoder();
  const encoded = values.map((v) => encoder.encode(v === null ? "" : String(v)));
  const valueOffsets = new Int32Array(values.length + 1);
  encoded.forEach((bytes, i) => (valueOffsets[i + 1] = valueOffsets[i] + bytes.length));
  const data = new Uint8Array(valueOffsets[values.length]);
  encoded.forEach((bytes, i) => data.set(bytes, valueOffsets[i]));
  return makeVector(
    makeData({ type: new Utf8(), length: values.length, valueOffsets, data, ...validity(values) }),
  );
}

export function rowCount(rows: TableRows): number {
  return Object.values(rows)[0]?.length ?? 0;
}
