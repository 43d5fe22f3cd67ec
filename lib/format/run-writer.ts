import {
  AsyncByteQueue,
  Field,
  Int16,
  Int32,
  Int64,
  Int8,
  Message,
  RecordBatch,
  RecordBatchFileWriter,
  RecordBatchStreamWriter,
  Schema,
  Struct,
  Uint16,
  Uint32,
  Uint64,
  Uint8,
  makeData,
  type DataType,
} from "apache-arrow";
import { concatBytes } from "./byte-source";
import { COLUMN, MAX_BATCH_ROWS, META, type SampleTest } from "./contract";
import type { RunFields } from "./manifest";

export type IntegerArray =
  | BigInt64Array
  | BigUint64Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint16Array
  | Int8Array
  | Uint8Array;

/** One batch of samples; every array has the same length. */
export interface SampleColumns {
  ts: BigInt64Array | BigUint64Array;
  duration: IntegerArray;
  thread?: IntegerArray;
  cpu?: IntegerArray;
}

export interface RunFileMetadata {
  test?: SampleTest | string;
  run?: RunFields;
  kind?: "histogram";
}

export type ByteSink = (chunk: Uint8Array) => void;

/** apache-arrow's writers only emit into their own queue; this one hands each chunk on at once. */
class SyncSinkQueue extends AsyncByteQueue {
  constructor(private readonly sink: ByteSink) {
    super();
  }
  override write(chunk: Uint8Array | ArrayBufferView | ArrayBuffer): void {
    this.sink(
      chunk instanceof Uint8Array ? chunk : new Uint8Array(ArrayBuffer.isView(chunk) ? chunk.buffer : chunk),
    );
  }
}

/**
 * apache-arrow's file writer puts the schema only in the footer. The Arrow file format opens with it
 * too (the magic, then the stream format, then the footer), as the collector's C writer does: a reader
 * can then check and summarize a run while its bytes arrive (an upload) instead of waiting for the end.
 */
class SchemaFirstFileWriter extends RecordBatchFileWriter {
  protected override _writeSchema(schema: Schema): this {
    this._writeMagic()._writePadding(2);
    return this._writeMessage(Message.from(schema));
  }
}

function arrowType(values: IntegerArray): DataType {
  if (values instanceof BigInt64Array) return new Int64();
  if (values instanceof BigUint64Array) return new Uint64();
  if (values instanceof Int32Array) return new Int32();
  if (values instanceof Uint32Array) return new Uint32();
  if (values instanceof Int16Array) return new Int16();
  if (values instanceof Uint16Array) return new Uint16();
  if (values instanceof Int8Array) return new Int8();
  return new Uint8();
}

export function schemaMetadata(meta: RunFileMetadata): Map<string, string> {
  const entries = new Map<string, string>();
  if (meta.kind) entries.set(META.kind, meta.kind);
  if (meta.test) entries.set(META.test, meta.test);
  if (meta.run) entries.set(META.run, JSON.stringify(meta.run));
  return entries;
}

function namedColumns(columns: Record<string, IntegerArray | undefined>): [string, IntegerArray][] {
  return Object.entries(columns).filter((entry): entry is [string, IntegerArray] => entry[1] !== undefined);
}

/**
 * Writes a run as Arrow IPC, batch by batch, straight to a sink: memory stays at one batch however long
 * the run. Batches longer than the contract's limit are split.
 */
export class RunFileWriter {
  private schema: Schema | null = null;
  private readonly writer: SchemaFirstFileWriter | RecordBatchStreamWriter;
  private rows = 0;

  constructor(
    sink: ByteSink,
    private readonly metadata: RunFileMetadata,
    format: "file" | "stream" = "file",
  ) {
    this.writer = format === "file" ? new SchemaFirstFileWriter() : new RecordBatchStreamWriter();
    this.writer.reset(new SyncSinkQueue(sink));
  }

  get rowsWritten(): number {
    return this.rows;
  }

  /** Columns by their contract names (`ts_ns`, `duration_ns`, …) or any others, which the contract keeps. */
  writeColumns(columns: Record<string, IntegerArray | undefined>): void {
    const named = namedColumns(columns);
    const length = named[0]?.[1].length ?? 0;
    for (const [name, values] of named) {
      if (values.length !== length)
        throw new RangeError(`column ${name} has ${values.length} rows, expected ${length}`);
    }
    if (!this.schema) {
      const fields = named.map(([name, values]) => new Field(name, arrowType(values), false));
      this.schema = new Schema(fields, schemaMetadata(this.metadata));
    }
    // An empty call still writes one empty batch, so that the schema reaches the file.
    for (let start = 0; start < length || (start === 0 && length === 0); start += MAX_BATCH_ROWS) {
      const end = Math.min(length, start + MAX_BATCH_ROWS);
      const children = named.map(([, values], i) =>
        makeData({
          type: this.schema!.fields[i].type,
          length: end - start,
          nullCount: 0,
          data: values.subarray(start, end),
        }),
      );
      const struct = makeData({
        type: new Struct(this.schema.fields),
        length: end - start,
        nullCount: 0,
        children,
      });
      this.writer.write(new RecordBatch(this.schema, struct));
      this.rows += end - start;
      if (length === 0) break;
    }
  }

  writeSamples({ ts, duration, thread, cpu }: SampleColumns): void {
    this.writeColumns({
      [COLUMN.ts]: ts,
      [COLUMN.duration]: duration,
      [COLUMN.thread]: thread,
      [COLUMN.cpu]: cpu,
    });
  }

  /** Ends the file; a run with no batch at all still gets its schema, so it stays a valid (empty) run. */
  finish(emptySchema?: Record<string, IntegerArray>): void {
    if (!this.schema)
      this.writeColumns(
        emptySchema ?? { [COLUMN.ts]: new BigInt64Array(0), [COLUMN.duration]: new Uint32Array(0) },
      );
    this.writer.finish();
  }
}

/** A whole run in memory as one Arrow IPC file: for tests, fixtures and small runs. */
export function encodeRunFile(
  columns: SampleColumns | Record<string, IntegerArray | undefined>,
  metadata: RunFileMetadata = {},
  format: "file" | "stream" = "file",
): Uint8Array {
  const chunks: Uint8Array[] = [];
  const writer = new RunFileWriter((chunk) => chunks.push(chunk), metadata, format);
  if ("ts" in columns && "duration" in columns) writer.writeSamples(columns as SampleColumns);
  else writer.writeColumns(columns as Record<string, IntegerArray | undefined>);
  writer.finish();
  return concatBytes(chunks);
}
