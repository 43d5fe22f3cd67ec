import { Float64, Table, Utf8, makeData, makeVector, tableToIPC, type Vector } from "apache-arrow";
import { tableOf, type TableName } from "./catalogue";
import type { ColumnValues, TableRows } from "./summary-rows";

/**
 * Rows as Arrow IPC *stream* bytes, ending with the end-of-stream marker (DuckDB-WASM inserts nothing
 * without it), written with the project's apache-arrow: DuckDB-WASM bundles its own, so it is given
 * bytes, never Table objects. Numbers go as float64 (exact to 2^53) and DuckDB casts them to the
 * catalogue's column types on insert. Columns are laid out by hand (makeData), not with apache-arrow's
 * builders, which compile code with `new Function`: the page's Content-Security-Policy forbids that.
 * A long run has hundreds of thousands of rows (a second each, its spikes) built on the page's main
 * thread: a Float64Array column is used as it is, and each distinct text is encoded once.
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

/** The validity bitmap (bit set: a value) and the count of nulls; none for a column without nulls. */
function validity(values: ColumnValues): { nullBitmap?: Uint8Array; nullCount: number } {
  if (values instanceof Float64Array) return { nullCount: 0 };
  let nullCount = 0;
  for (let i = 0; i < values.length; i++) if (values[i] === null) nullCount++;
  if (nullCount === 0) return { nullCount };
  const nullBitmap = new Uint8Array(Math.ceil(values.length / 8));
  for (let i = 0; i < values.length; i++) if (values[i] !== null) nullBitmap[i >> 3] |= 1 << (i & 7);
  return { nullBitmap, nullCount };
}

function numberVector(values: ColumnValues): Vector<Float64> {
  let data: Float64Array;
  if (values instanceof Float64Array) data = values;
  else {
    data = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (typeof v === "number") data[i] = v;
    }
  }
  return makeVector(makeData({ type: new Float64(), length: values.length, data, ...validity(values) }));
}

function textVector(values: ColumnValues): Vector<Utf8> {
  if (values instanceof Float64Array) throw new Error("a text column given as numbers");
  const { valueOffsets, data } = sameText(values) ?? eachText(values);
  return makeVector(
    makeData({ type: new Utf8(), length: values.length, valueOffsets, data, ...validity(values) }),
  );
}

type TextColumn = { valueOffsets: Int32Array; data: Uint8Array };

/** A column holding one text throughout (a run's id on each of its rows): encoded once, copied by doubling. */
function sameText(values: (string | number | null)[]): TextColumn | null {
  const first = values[0];
  if (first === null || first === undefined) return null;
  for (let i = 1; i < values.length; i++) if (values[i] !== first) return null;
  const bytes = new TextEncoder().encode(String(first));
  const n = values.length;
  const valueOffsets = new Int32Array(n + 1);
  for (let i = 1; i <= n; i++) valueOffsets[i] = i * bytes.length;
  const data = new Uint8Array(n * bytes.length);
  data.set(bytes);
  for (let filled = bytes.length; filled < data.length; filled *= 2)
    data.copyWithin(filled, 0, Math.min(filled, data.length - filled));
  return { valueOffsets, data };
}

/** Each distinct text encoded once. */
function eachText(values: (string | number | null)[]): TextColumn {
  const encoder = new TextEncoder();
  const encodedOnce = new Map<string, Uint8Array>();
  const encoded: Uint8Array[] = new Array(values.length);
  const valueOffsets = new Int32Array(values.length + 1);
  for (let i = 0; i < values.length; i++) {
    const text = values[i] === null ? "" : String(values[i]);
    let bytes = encodedOnce.get(text);
    if (!bytes) encodedOnce.set(text, (bytes = encoder.encode(text)));
    encoded[i] = bytes;
    valueOffsets[i + 1] = valueOffsets[i] + bytes.length;
  }
  const data = new Uint8Array(valueOffsets[values.length]);
  for (let i = 0; i < values.length; i++) data.set(encoded[i], valueOffsets[i]);
  return { valueOffsets, data };
}

export function rowCount(rows: TableRows): number {
  return Object.values(rows)[0]?.length ?? 0;
}
