/**
 * The events file written while the run goes on (docs/bundle-format.md, "Kernel events"): the magic, the
 * schema, then one record batch per call, each appended at once, so memory stays at one batch and a
 * crash leaves every whole batch readable. As the sampler does for the run file, the schema's metadata
 * is written padded to a reserved size and rewritten in place at the end (the counts known only then),
 * and the footer repeats that final schema.
 */
import {
  AsyncByteQueue,
  Field,
  Int32,
  Int64,
  Message,
  RecordBatch,
  RecordBatchFileWriter,
  Schema,
  Struct,
  Utf8,
  makeData,
  type Data,
} from "apache-arrow";
import { FILE_HEADER_BYTES } from "./arrow-ipc";
import { MAX_BATCH_ROWS } from "./contract";
import { EVENT_KINDS, EVENTS_COLUMN, EVENTS_META, type EventsMeta } from "./events-contract";

/** Where the file's bytes go: appended in order, and once (the final schema) written over. */
export interface RewritableSink {
  append(bytes: Uint8Array): void;
  writeAt(offset: number, bytes: Uint8Array): void;
}

/**
 * Rows of intervals as codes: `kind` indexes EVENT_KINDS, `name` indexes `names` (a few dozen distinct
 * names for millions of rows). Every array has the same length; rows sorted by `ts`.
 */
export interface CodedEventBatch {
  ts: BigInt64Array;
  end: BigInt64Array;
  kind: Uint8Array;
  name: Uint32Array;
  names: readonly string[];
  cpu: Int32Array;
}

/** Bytes kept free in the schema's metadata for what the end adds (counts, notes). */
const META_SPARE_BYTES = 1024;

const encoder = new TextEncoder();

function eventsSchema(metaJson: string): Schema {
  return new Schema(
    [
      new Field(EVENTS_COLUMN.ts, new Int64(), false),
      new Field(EVENTS_COLUMN.end, new Int64(), false),
      new Field(EVENTS_COLUMN.kind, new Utf8(), false),
      new Field(EVENTS_COLUMN.name, new Utf8(), false),
      new Field(EVENTS_COLUMN.cpu, new Int32(), false),
    ],
    new Map([[EVENTS_META, metaJson]]),
  );
}

/** The schema message as apache-arrow frames it (continuation, length, flatbuffer, padding to 8). */
function framedSchema(schema: Schema): Uint8Array {
  const buffer = Message.encode(Message.from(schema));
  const aligned = (buffer.byteLength + 8 + 7) & ~7;
  const framed = new Uint8Array(aligned);
  const view = new DataView(framed.buffer);
  view.setInt32(0, -1, true);
  view.setInt32(4, aligned - 8, true);
  framed.set(buffer, 8);
  return framed;
}

/** JSON padded with spaces to exactly `bytes` UTF-8 bytes (JSON.parse ignores them). */
function paddedJson(meta: EventsMeta, bytes: number, what: string): string {
  const json = JSON.stringify(meta);
  const length = encoder.encode(json).byteLength;
  if (length > bytes)
    throw new RangeError(`the ${what} metadata grew to ${length} bytes, over the ${bytes} reserved`);
  return json + " ".repeat(bytes - length);
}

/** A utf8 column from codes into a small dictionary, built straight into its buffers. */
function codedUtf8(
  codes: ArrayLike<number>,
  dictionary: readonly Uint8Array[],
  from: number,
  to: number,
): Data {
  const offsets = new Int32Array(to - from + 1);
  let bytes = 0;
  for (let i = from; i < to; i++) {
    bytes += dictionary[codes[i]].byteLength;
    offsets[i - from + 1] = bytes;
  }
  const data = new Uint8Array(bytes);
  for (let i = from; i < to; i++) data.set(dictionary[codes[i]], offsets[i - from]);
  return makeData({ type: new Utf8(), length: to - from, nullCount: 0, valueOffsets: offsets, data });
}

/** Schema first (as the collector's run files), and the footer names a schema given at the end. */
class StreamedFileWriter extends RecordBatchFileWriter {
  finalSchema: Schema | null = null;
  protected override _writeSchema(schema: Schema): this {
    this._writeMagic()._writePadding(2);
    return this._writeMessage(Message.from(schema));
  }
  protected override _writeFooter(schema: Schema): this {
    return super._writeFooter(this.finalSchema ?? schema);
  }
}

class SinkQueue extends AsyncByteQueue {
  constructor(private readonly sink: RewritableSink) {
    super();
  }
  override write(chunk: Uint8Array | ArrayBufferView | ArrayBuffer): void {
    this.sink.append(
      chunk instanceof Uint8Array
        ? chunk
        : ArrayBuffer.isView(chunk)
          ? new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)
          : new Uint8Array(chunk),
    );
  }
}

/**
 * An Arrow IPC file written as it goes into a RewritableSink: the magic and the schema first (its metadata
 * padded to a reserved size), each record batch appended at once, and at the end the metadata rewritten in
 * place and the footer naming that final schema. The events file and the steal table are written so.
 */
export class StreamedArrowFile {
  private readonly writer = new StreamedFileWriter();
  private readonly schema: Schema;
  private readonly metaBytes: number;
  private readonly schemaBytes: number;
  private finished = false;

  /** Writes the magic and the schema made by `schemaOf`, with `meta` as known at the start. */
  constructor(
    private readonly sink: RewritableSink,
    private readonly schemaOf: (metaJson: string) => Schema,
    meta: EventsMeta,
    private readonly what: string,
  ) {
    this.metaBytes = encoder.encode(JSON.stringify(meta)).byteLength + META_SPARE_BYTES;
    this.schema = schemaOf(paddedJson(meta, this.metaBytes, what));
    this.schemaBytes = framedSchema(this.schema).byteLength;
    this.writer.reset(new SinkQueue(sink), this.schema);
  }

  /** Appends one record batch of `rows` rows, its columns in the schema's order. */
  write(rows: number, children: Data[]): void {
    if (this.finished) throw new Error(`the ${this.what} file is already finished`);
    const struct = makeData({ type: new Struct(this.schema.fields), length: rows, nullCount: 0, children });
    this.writer.write(new RecordBatch(this.schema, struct));
  }

  /**
   * Rewrites the schema's metadata in place with `meta` (same size: padded), then ends the file with the
   * end-of-stream marker and a footer naming the batches and that schema.
   */
  finish(meta: EventsMeta): void {
    if (this.finished) return;
    this.finished = true;
    const schema = this.schemaOf(paddedJson(meta, this.metaBytes, this.what));
    const framed = framedSchema(schema);
    if (framed.byteLength !== this.schemaBytes)
      throw new Error(
        `the ${this.what} schema changed size (${this.schemaBytes} → ${framed.byteLength} bytes)`,
      );
    this.sink.writeAt(FILE_HEADER_BYTES, framed);
    this.writer.finalSchema = schema;
    this.writer.finish();
  }
}

export class EventsStreamWriter {
  private readonly file: StreamedArrowFile;
  private readonly kindBytes = EVENT_KINDS.map((k) => encoder.encode(k));
  private nameBytes: Uint8Array[] = [];
  private rowCount = 0;
  private batchCount = 0;

  /** Writes the magic and the schema, with `meta` as known at the start. */
  constructor(sink: RewritableSink, meta: EventsMeta) {
    this.file = new StreamedArrowFile(sink, eventsSchema, meta, "events");
  }

  get rows(): number {
    return this.rowCount;
  }

  get batches(): number {
    return this.batchCount;
  }

  /** Appends the rows as record batches (of at most MAX_BATCH_ROWS each); nothing for no rows. */
  write(batch: CodedEventBatch): void {
    const rows = batch.ts.length;
    for (const [column, length] of [
      ["end", batch.end.length],
      ["kind", batch.kind.length],
      ["name", batch.name.length],
      ["cpu", batch.cpu.length],
    ] as const)
      if (length !== rows)
        throw new RangeError(`events column ${column} has ${length} rows, expected ${rows}`);
    for (let i = this.nameBytes.length; i < batch.names.length; i++)
      this.nameBytes.push(encoder.encode(batch.names[i]));
    for (let start = 0; start < rows; start += MAX_BATCH_ROWS) {
      const end = Math.min(rows, start + MAX_BATCH_ROWS);
      const integers = (type: Int64 | Int32, values: BigInt64Array | Int32Array) =>
        makeData({ type, length: end - start, nullCount: 0, data: values.subarray(start, end) });
      this.file.write(end - start, [
        integers(new Int64(), batch.ts),
        integers(new Int64(), batch.end),
        codedUtf8(batch.kind, this.kindBytes, start, end),
        codedUtf8(batch.name, this.nameBytes, start, end),
        integers(new Int32(), batch.cpu),
      ]);
      this.rowCount += end - start;
      this.batchCount++;
    }
  }

  /** The final metadata in place of the start's, then the footer (StreamedArrowFile.finish). */
  finish(meta: EventsMeta): void {
    this.file.finish(meta);
  }
}

/** A sink in memory (tests, small files). */
export function memorySink(): RewritableSink & { bytes(): Uint8Array } {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const rewrites: [number, Uint8Array][] = [];
  return {
    append(bytes) {
      chunks.push(bytes.slice());
      size += bytes.byteLength;
    },
    writeAt(offset, bytes) {
      rewrites.push([offset, bytes.slice()]);
    },
    bytes() {
      const out = new Uint8Array(size);
      let at = 0;
      for (const chunk of chunks) {
        out.set(chunk, at);
        at += chunk.byteLength;
      }
      for (const [offset, bytes] of rewrites) out.set(bytes, offset);
      return out;
    },
  };
}
