/**
 * A query's answer as the workbench holds it: DuckDB-WASM's Arrow record batches, kept as they came
 * (DuckDB carries its own apache-arrow, so only their shape is used here), up to a cap of rows, with the
 * true count of rows the query returned. Values are read cell by cell, for the rows on screen only.
 */

/** What the workbench needs of an Arrow field's type: its id (apache-arrow's `Type` enum) and scale. */
interface FieldType {
  typeId: number;
  scale?: number;
  toString(): string;
}

export interface ArrowBatchLike {
  numRows: number;
  schema: { fields: { name: string; type: FieldType }[] };
  getChildAt(index: number): { get(row: number): unknown } | null;
}

/** How a column's values behave: drives alignment, the chart's choice of axes and the text shown. */
export type ColumnKind = "integer" | "float" | "decimal" | "time" | "date" | "bool" | "text" | "other";

export interface ResultColumn {
  name: string;
  /** The Arrow type, as Arrow prints it (e.g. `Int64`, `Utf8`). */
  type: string;
  kind: ColumnKind;
  scale: number;
}

export interface ResultSet {
  columns: ResultColumn[];
  batches: ArrowBatchLike[];
  /** Rows kept (at most the cap). */
  shown: number;
  /** Rows the query returned. */
  total: number;
}

// apache-arrow's Type enum: stable across its versions.
const KINDS: Record<number, ColumnKind> = {
  2: "integer",
  3: "float",
  5: "text",
  6: "bool",
  7: "decimal",
  8: "date",
  10: "time",
  12: "other",
  13: "other",
};

export function resultColumns(fields: { name: string; type: FieldType }[]): ResultColumn[] {
  return fields.map((field) => ({
    name: field.name,
    type: String(field.type),
    kind: KINDS[field.type.typeId] ?? "other",
    scale: field.type.scale ?? 0,
  }));
}

/** Collects batches up to `cap` rows; the rest are only counted. */
export class ResultCollector {
  private readonly batches: ArrowBatchLike[] = [];
  private columns: ResultColumn[] = [];
  private shown = 0;
  private total = 0;

  constructor(private readonly cap: number) {}

  add(batch: ArrowBatchLike): void {
    if (this.columns.length === 0) this.columns = resultColumns(batch.schema.fields);
    this.total += batch.numRows;
    if (this.shown >= this.cap || batch.numRows === 0) return;
    this.batches.push(batch);
    this.shown = Math.min(this.cap, this.shown + batch.numRows);
  }

  result(fields?: { name: string; type: FieldType }[]): ResultSet {
    const columns = this.columns.length === 0 && fields ? resultColumns(fields) : this.columns;
    return { columns, batches: [...this.batches], shown: this.shown, total: this.total };
  }
}

/** The raw value at (row, column); rows count from 0 over all kept batches. */
export function cellValue(result: ResultSet, row: number, column: number): unknown {
  let offset = row;
  for (const batch of result.batches) {
    if (offset < batch.numRows) return batch.getChildAt(column)?.get(offset) ?? null;
    offset -= batch.numRows;
  }
  return null;
}

/** A decimal's unscaled digits with the point put back (Arrow hands DECIMAL and HUGEINT as such). */
function decimalText(digits: string, scale: number): string {
  if (scale <= 0) return digits;
  const negative = digits.startsWith("-");
  const body = (negative ? digits.slice(1) : digits).padStart(scale + 1, "0");
  return `${negative ? "-" : ""}${body.slice(0, -scale)}.${body.slice(-scale)}`;
}

function jsonText(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => (typeof item === "bigint" ? item.toString() : item));
}

/**
 * A value as text, exactly: BIGINTs keep every digit, decimals their scale, timestamps read as UTC ISO
 * times. What comes back is plain text, to be placed as text (never as HTML).
 */
export function cellText(value: unknown, column: ResultColumn): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "string") return value;
  if (typeof value === "number") {
    if (column.kind === "time" && Number.isFinite(value)) return new Date(value).toISOString();
    if (column.kind === "date" && Number.isFinite(value)) return new Date(value).toISOString().slice(0, 10);
    return String(value);
  }
  if (typeof value === "boolean") return String(value);
  if (column.kind === "decimal") return decimalText(String(value), column.scale);
  if (typeof (value as { toJSON?: unknown }).toJSON === "function" || Array.isArray(value))
    return jsonText(value);
  if (ArrayBuffer.isView(value)) return jsonText(Array.from(value as unknown as ArrayLike<number>));
  return String(value);
}

/** A value as a number for the chart, or null where it has none. BIGINTs beyond 2^53 lose precision here only. */
export function cellNumber(value: unknown, column: ResultColumn): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "bigint") return Number(value);
  if (column.kind === "decimal") return Number(decimalText(String(value), column.scale));
  return null;
}
