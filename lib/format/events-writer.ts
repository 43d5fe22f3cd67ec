import {
  Field,
  Int32,
  Int64,
  RecordBatch,
  Schema,
  Struct,
  Table,
  Utf8,
  makeData,
  tableToIPC,
  vectorFromArray,
  type Data,
} from "apache-arrow";
import { MAX_BATCH_ROWS } from "./contract";
import { EVENTS_COLUMN, EVENTS_META, STEAL_COLUMN, type EventKind, type EventsMeta } from "./events-contract";

/** Event intervals, one array per column, every array the same length, sorted by `ts`. */
export interface EventColumns {
  ts: BigInt64Array;
  end: BigInt64Array;
  kind: readonly EventKind[];
  name: readonly string[];
  cpu: Int32Array;
}

export interface StealColumns {
  second: Int32Array;
  steal: BigInt64Array;
}

function integerData(type: Int64 | Int32, values: BigInt64Array | Int32Array): Data {
  return makeData({ type, length: values.length, nullCount: 0, data: values });
}

function stringData(values: readonly string[]): Data {
  return vectorFromArray(values as string[], new Utf8()).data[0];
}

/** Batches of at most MAX_BATCH_ROWS rows, as in a run file; `children` builds the columns of [start, end). */
function batchedFile(
  schema: Schema,
  rows: number,
  children: (start: number, end: number) => Data[],
): Uint8Array {
  const batches: RecordBatch[] = [];
  for (let start = 0; start < rows || start === 0; start += MAX_BATCH_ROWS) {
    const end = Math.min(rows, start + MAX_BATCH_ROWS);
    const struct = makeData({
      type: new Struct(schema.fields),
      length: end - start,
      nullCount: 0,
      children: children(start, end),
    });
    batches.push(new RecordBatch(schema, struct));
    if (rows === 0) break;
  }
  return tableToIPC(new Table(batches), "file");
}

/** The events file (Arrow IPC file format), whole: an hour's events fit in memory comfortably. */
export function encodeEventsFile(columns: EventColumns, meta: EventsMeta): Uint8Array {
  const rows = columns.ts.length;
  for (const [name, length] of [
    ["end", columns.end.length],
    ["kind", columns.kind.length],
    ["name", columns.name.length],
    ["cpu", columns.cpu.length],
  ] as const)
    if (length !== rows) throw new RangeError(`events column ${name} has ${length} rows, expected ${rows}`);
  const schema = new Schema(
    [
      new Field(EVENTS_COLUMN.ts, new Int64(), false),
      new Field(EVENTS_COLUMN.end, new Int64(), false),
      new Field(EVENTS_COLUMN.kind, new Utf8(), false),
      new Field(EVENTS_COLUMN.name, new Utf8(), false),
      new Field(EVENTS_COLUMN.cpu, new Int32(), false),
    ],
    new Map([[EVENTS_META, JSON.stringify(meta)]]),
  );
  return batchedFile(schema, rows, (start, end) => [
    integerData(new Int64(), columns.ts.subarray(start, end)),
    integerData(new Int64(), columns.end.subarray(start, end)),
    stringData(columns.kind.slice(start, end)),
    stringData(columns.name.slice(start, end)),
    integerData(new Int32(), columns.cpu.subarray(start, end)),
  ]);
}

/** The steal table's columns, with its metadata (EventsMeta) as JSON. */
export function stealSchema(metaJson: string): Schema {
  return new Schema(
    [new Field(STEAL_COLUMN.second, new Int32(), false), new Field(STEAL_COLUMN.steal, new Int64(), false)],
    new Map([[EVENTS_META, metaJson]]),
  );
}

/** The steal table: steal time of the measured CPU in each second of the run. */
export function encodeStealFile(columns: StealColumns, meta: EventsMeta): Uint8Array {
  if (columns.second.length !== columns.steal.length)
    throw new RangeError(`steal columns have ${columns.second.length} and ${columns.steal.length} rows`);
  const schema = stealSchema(JSON.stringify(meta));
  return batchedFile(schema, columns.second.length, (start, end) => [
    integerData(new Int32(), columns.second.subarray(start, end)),
    integerData(new Int64(), columns.steal.subarray(start, end)),
  ]);
}
