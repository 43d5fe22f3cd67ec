/**
 * Reads a run file (Arrow IPC file or stream) batch by batch and validates it against the contract
 * (docs/bundle-format.md): every problem is a FormatError naming the file, the column or key,
 * the row and what was expected. No Node imports: this runs in the CLI, the server and a Web Worker.
 */
import { Type, type DataType, type Int, type Schema } from "apache-arrow";
import { Footer } from "apache-arrow/ipc/metadata/file";
import {
  FILE_HEADER_BYTES,
  MessageHeader,
  columnSlots,
  decodeMessage,
  decodePrefix,
  startsWithMagic,
  type ColumnSlot,
  type IpcBlock,
} from "./arrow-ipc";
import {
  readAllBytes,
  sequentialReader,
  toRandomAccess,
  type ByteSourceInput,
  type RandomAccessSource,
  type SequentialReader,
} from "./byte-source";
import { COLUMN, META } from "./contract";
import { FormatError, type FormatProblem } from "./errors";
import { runFieldsSchema, type RunFields } from "./manifest";

export interface SampleBatch {
  /** The record batch's position in the file, from 0. */
  index: number;
  /** Row number of the batch's first sample within the run. */
  firstRow: number;
  /** Nanoseconds since the run started (exact below 2^53 ns, about 104 days). */
  ts: Float64Array;
  /** Nanoseconds; a zero-copy view when the column is uint32 (or non-negative int32). */
  duration: Float64Array | Uint32Array;
  thread?: Int32Array;
  /** True when `ts` (and perhaps `duration`) are reused arrays (ReadOptions.reuseTimestamps): copy them to keep them. */
  reused?: boolean;
  /** Where the batch's IPC message sits in the file, when known (random-access sources). */
  byteOffset?: number;
  byteLength?: number;
}

export interface RunHeader {
  file: string;
  format: "file" | "stream";
  kind: "samples" | "histogram";
  test?: string;
  /** `latency:run`, validated; `{}` when absent or unusable (see `problems`). */
  fields: RunFields;
  metadata: Record<string, string>;
  columns: { name: string; type: string }[];
  /** Problems that do not stop reading (a bad `latency:run` value). */
  problems: FormatProblem[];
}

export interface RunFooter {
  header: RunHeader;
  /** Record batch blocks from the file footer; null for the stream format or a truncated file. */
  blocks: IpcBlock[] | null;
}

export interface ReadOptions {
  /** An empty run is an error by default (there is nothing to summarise). */
  allowEmpty?: boolean;
  /**
   * Reuse one timestamp array, and with sources that can `readReused` or `readInto`, their body
   * buffers (so duration views too), for every batch: no 8-12 MB allocation per batch. For consumers
   * that are done with a batch before asking for the next and keep nothing of it (summarizeRun copies
   * what it holds back). Off by default.
   */
  reuseTimestamps?: boolean;
}

interface RunContext {
  file: string;
  schema: Schema;
  header: RunHeader;
  ts: ColumnSlot;
  duration: ColumnSlot;
  thread?: ColumnSlot;
}

function typeName(type: DataType): string {
  return String(type);
}

function isInteger(type: DataType): type is Int {
  return type.typeId === Type.Int;
}

function headerFrom(file: string, schema: Schema, format: "file" | "stream"): RunHeader {
  const metadata = Object.fromEntries(schema.metadata);
  const problems: FormatProblem[] = [];
  let fields: RunFields = {};
  const raw = metadata[META.run];
  if (raw !== undefined) {
    try {
      const parsed = runFieldsSchema.safeParse(JSON.parse(raw));
      if (parsed.success) fields = parsed.data;
      else {
        const issue = parsed.error.issues[0];
        problems.push({
          file,
          field: `${META.run}.${issue.path.join(".")}`,
          expected: issue.message,
        });
      }
    } catch {
      problems.push({ file, field: META.run, expected: "a JSON object", found: raw.slice(0, 40) });
    }
  }
  return {
    file,
    format,
    kind: metadata[META.kind] === "histogram" ? "histogram" : "samples",
    test: metadata[META.test],
    fields,
    metadata,
    columns: schema.fields.map((f) => ({ name: f.name, type: typeName(f.type) })),
    problems,
  };
}

function contextFrom(file: string, schema: Schema, format: "file" | "stream"): RunContext {
  const header = headerFrom(file, schema, format);
  if (header.kind === "histogram")
    throw new FormatError({
      file,
      field: META.kind,
      expected: "a sample run (this is a histogram run: read it with readHistogramRun)",
      found: "histogram",
    });
  const wanted = [COLUMN.ts, COLUMN.duration, COLUMN.thread];
  const present = wanted.filter((name) => schema.fields.some((f) => f.name === name));
  const { slots, unknownBefore } = columnSlots(schema, present);
  for (const name of [COLUMN.ts, COLUMN.duration]) {
    const slot = slots.get(name);
    if (!slot) {
      if (unknownBefore && present.includes(name))
        throw new FormatError({
          file,
          field: unknownBefore.name,
          expected: `a column type this reader can skip before "${name}"`,
          found: typeName(unknownBefore.type),
        });
      throw new FormatError({
        file,
        field: name,
        expected: `a column "${name}" (${name === COLUMN.ts ? "int64" : "an integer type"})`,
        found: `columns ${schema.fields.map((f) => f.name).join(", ") || "none"}`,
      });
    }
    if (!isInteger(slot.field.type))
      throw new FormatError({
        file,
        field: name,
        expected: name === COLUMN.ts ? "int64 or uint64" : "an integer type (int64 or uint32 typical)",
        found: typeName(slot.field.type),
      });
  }
  const thread = slots.get(COLUMN.thread);
  return {
    file,
    schema,
    header,
    ts: slots.get(COLUMN.ts)!,
    duration: slots.get(COLUMN.duration)!,
    thread: thread && isInteger(thread.field.type) ? thread : undefined,
  };
}

function notArrow(file: string, found: string): FormatError {
  return new FormatError({ file, expected: "an Arrow IPC file (ARROW1) or stream", found });
}

function truncated(file: string, row: number, what: string): FormatError {
  return new FormatError({ file, row, expected: `${what}: the file is truncated` });
}

/** A typed view of `length` elements at `start` of `bytes`, copying only when misaligned. */
function typedView<T extends ArrayBufferView>(
  Ctor: { new (buffer: ArrayBufferLike, byteOffset: number, length: number): T; BYTES_PER_ELEMENT: number },
  bytes: Uint8Array,
  start: number,
  length: number,
): T {
  const at = bytes.byteOffset + start;
  if (at % Ctor.BYTES_PER_ELEMENT === 0) return new Ctor(bytes.buffer, at, length);
  const copy = bytes.slice(start, start + length * Ctor.BYTES_PER_ELEMENT);
  return new Ctor(copy.buffer, 0, length);
}

interface Region {
  start: number;
  type: Int;
}

function region(
  ctx: RunContext,
  slot: ColumnSlot,
  batch: BatchHeader,
  body: Uint8Array,
  rows: number,
): Region {
  const node = batch.nodes[slot.node];
  const data = batch.buffers[slot.buffer + 1];
  const type = slot.field.type as Int;
  const need = rows * (type.bitWidth / 8);
  if (!node || !data || node.length !== rows)
    throw new FormatError({
      file: ctx.file,
      field: slot.name,
      expected: `${rows} values in the record batch`,
      found: node ? `${node.length}` : "none",
    });
  if (node.nullCount > 0)
    throw new FormatError({
      file: ctx.file,
      field: slot.name,
      expected: "no null values",
      found: `${node.nullCount} nulls`,
    });
  if (data.length < need || data.offset + need > body.byteLength)
    throw new FormatError({
      file: ctx.file,
      field: slot.name,
      expected: `${need} bytes of values`,
      found: `${Math.max(0, Math.min(data.length, body.byteLength - data.offset))}`,
    });
  return { start: data.offset, type };
}

interface BatchHeader {
  length: number;
  nodes: { length: number; nullCount: number }[];
  buffers: { offset: number; length: number }[];
  compression: unknown;
}

/** int64/uint64 timestamps to float64 through 32-bit halves (no BigInt per element), validated. */
function decodeTimestamps(
  ctx: RunContext,
  body: Uint8Array,
  { start, type }: Region,
  rows: number,
  firstRow: number,
  previous: number,
  scratch: Float64Array | null,
): Float64Array {
  const out = scratch && scratch.length >= rows ? scratch.subarray(0, rows) : new Float64Array(rows);
  let prev = previous;
  if (type.bitWidth === 64) {
    const words = typedView(Uint32Array, body, start, rows * 2);
    // Rounding to float64 is monotonic, so checking order per element and the range only at the two
    // ends is enough.
    if (!wordsToDoubles(words, out, rows, previous, type.isSigned))
      for (let i = 0; i < rows; i++) {
        if (out[i] < prev) decreasing(ctx, firstRow + i, prev, out[i]);
        prev = out[i];
      }
    for (const i of rows ? [0, rows - 1] : []) {
      const hi = type.isSigned ? words[2 * i + 1] | 0 : words[2 * i + 1];
      if (hi >= 0x200000 || hi < -0x200000)
        throw new FormatError({
          file: ctx.file,
          field: COLUMN.ts,
          row: firstRow + i,
          expected: "timestamps within 2^53 ns of the run start",
          found: "a larger value",
        });
    }
    return out;
  }
  const values = integerArray(body, start, type, rows);
  for (let i = 0; i < rows; i++) {
    const t = values[i];
    if (t < prev) decreasing(ctx, firstRow + i, prev, t);
    out[i] = t;
    prev = t;
  }
  return out;
}

/**
 * int64 (or uint64) values given as 32-bit words to doubles in `out`; false when one is below the one
 * before it (the caller finds which). The order check is folded into a flag rather than a branch per
 * value: this loop runs for every sample of every run (~2x faster in V8 than a throw in the loop).
 */
function wordsToDoubles(
  words: Uint32Array,
  out: Float64Array,
  rows: number,
  previous: number,
  signed: boolean,
): boolean {
  let prev = previous;
  let ordered = 1;
  if (signed)
    for (let i = 0, j = 0; i < rows; i++, j += 2) {
      const t = (words[j + 1] | 0) * 4294967296 + words[j];
      ordered &= +(t >= prev);
      out[i] = t;
      prev = t;
    }
  else
    for (let i = 0, j = 0; i < rows; i++, j += 2) {
      const t = words[j + 1] * 4294967296 + words[j];
      ordered &= +(t >= prev);
      out[i] = t;
      prev = t;
    }
  return ordered === 1;
}

function decreasing(ctx: RunContext, row: number, prev: number, t: number): never {
  throw new FormatError({
    file: ctx.file,
    field: COLUMN.ts,
    row,
    expected: `non-decreasing timestamps (≥ ${prev})`,
    found: `${t}`,
  });
}

function integerArray(body: Uint8Array, start: number, type: Int, rows: number): ArrayLike<number> {
  switch (type.bitWidth) {
    case 8:
      return type.isSigned
        ? typedView(Int8Array, body, start, rows)
        : typedView(Uint8Array, body, start, rows);
    case 16:
      return type.isSigned
        ? typedView(Int16Array, body, start, rows)
        : typedView(Uint16Array, body, start, rows);
    default:
      return type.isSigned
        ? typedView(Int32Array, body, start, rows)
        : typedView(Uint32Array, body, start, rows);
  }
}

function negative(ctx: RunContext, row: number, value: number): never {
  throw new FormatError({
    file: ctx.file,
    field: COLUMN.duration,
    row,
    expected: "a non-negative duration",
    found: `${value}`,
  });
}

function decodeDurations(
  ctx: RunContext,
  body: Uint8Array,
  { start, type }: Region,
  rows: number,
  firstRow: number,
): Float64Array | Uint32Array {
  if (type.bitWidth === 64) {
    const words = typedView(Uint32Array, body, start, rows * 2);
    const out = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      const hi = words[2 * i + 1];
      if (type.isSigned && hi >= 0x80000000)
        negative(ctx, firstRow + i, (hi | 0) * 4294967296 + words[2 * i]);
      if (hi >= 0x200000)
        throw new FormatError({
          file: ctx.file,
          field: COLUMN.duration,
          row: firstRow + i,
          expected: "a duration below 2^53 ns",
          found: "a larger value",
        });
      out[i] = hi * 4294967296 + words[2 * i];
    }
    return out;
  }
  if (type.bitWidth === 32) {
    if (!type.isSigned) return typedView(Uint32Array, body, start, rows);
    const signed = typedView(Int32Array, body, start, rows);
    for (let i = 0; i < rows; i++) if (signed[i] < 0) negative(ctx, firstRow + i, signed[i]);
    // Non-negative int32 has the same bits as uint32: reinterpret without a copy.
    return new Uint32Array(signed.buffer, signed.byteOffset, rows);
  }
  const values = integerArray(body, start, type, rows);
  const out = new Uint32Array(rows);
  for (let i = 0; i < rows; i++) {
    if (values[i] < 0) negative(ctx, firstRow + i, values[i]);
    out[i] = values[i];
  }
  return out;
}

function decodeThreads(body: Uint8Array, { start, type }: Region, rows: number): Int32Array {
  if (type.bitWidth === 32) {
    const view = typedView(Int32Array, body, start, rows);
    return view;
  }
  if (type.bitWidth === 64) {
    const words = typedView(Int32Array, body, start, rows * 2);
    const out = new Int32Array(rows);
    for (let i = 0; i < rows; i++) out[i] = words[2 * i];
    return out;
  }
  return Int32Array.from(integerArray(body, start, type, rows));
}

/** The first row whose timestamp is at or after `t` (timestamps are sorted), without decoding them all. */
function firstRowAtOrAfter(body: Uint8Array, { start, type }: Region, rows: number, t: number): number {
  let at: (i: number) => number;
  if (type.bitWidth === 64) {
    const words = typedView(Uint32Array, body, start, rows * 2);
    at = type.isSigned
      ? (i) => (words[2 * i + 1] | 0) * 4294967296 + words[2 * i]
      : (i) => words[2 * i + 1] * 4294967296 + words[2 * i];
  } else {
    const values = integerArray(body, start, type, rows);
    at = (i) => values[i];
  }
  let lo = 0;
  let hi = rows;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (at(mid) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function shifted(r: Region, rows: number): Region {
  return { start: r.start + rows * (r.type.bitWidth / 8), type: r.type };
}

function decodeBatch(
  ctx: RunContext,
  batch: BatchHeader,
  body: Uint8Array,
  index: number,
  firstRow: number,
  previousTs: number,
  scratch: Float64Array | null = null,
  window?: { t0: number; t1: number },
): SampleBatch {
  if (batch.compression)
    throw new FormatError({
      file: ctx.file,
      row: firstRow,
      expected: "uncompressed record batches (DuckDB-WASM reads no LZ4/ZSTD)",
      found: "compressed buffers",
    });
  const all = batch.length;
  const tsRegion = region(ctx, ctx.ts, batch, body, all);
  const durationRegion = region(ctx, ctx.duration, batch, body, all);
  const threadRegion = ctx.thread ? region(ctx, ctx.thread, batch, body, all) : null;
  // With a time window, only the rows inside it are decoded.
  const a = window ? firstRowAtOrAfter(body, tsRegion, all, window.t0) : 0;
  const b = window ? Math.max(a, firstRowAtOrAfter(body, tsRegion, all, window.t1)) : all;
  const rows = b - a;
  const ts = decodeTimestamps(ctx, body, shifted(tsRegion, a), rows, firstRow + a, previousTs, scratch);
  const duration = decodeDurations(ctx, body, shifted(durationRegion, a), rows, firstRow + a);
  const out: SampleBatch = { index, firstRow: firstRow + a, ts, duration };
  if (threadRegion) out.thread = decodeThreads(body, shifted(threadRegion, a), rows);
  return out;
}

interface RawMessage {
  headerType: MessageHeader;
  header: unknown;
  body: Uint8Array;
  offset: number;
  byteLength: number;
}

/** Parses one framed message held whole in `bytes` (from a footer block). */
function parseFramed(file: string, bytes: Uint8Array, offset: number): RawMessage {
  const prefix = decodePrefix(bytes);
  if (!prefix || prefix.metadataLength <= 0) throw notArrow(file, `no IPC message at byte ${offset}`);
  const metaEnd = prefix.framing + prefix.metadataLength;
  if (metaEnd > bytes.byteLength) throw truncated(file, 0, `a message at byte ${offset}`);
  const message = decodeMessage(bytes.subarray(prefix.framing, metaEnd));
  const body = bytes.subarray(metaEnd, metaEnd + message.bodyLength);
  if (body.byteLength < message.bodyLength) throw truncated(file, 0, `a message body at byte ${offset}`);
  return {
    headerType: message.headerType,
    header: message.header(),
    body,
    offset,
    byteLength: metaEnd + message.bodyLength,
  };
}

/** Reads framed messages one after another; ends at the end-of-stream marker or the end of the bytes. */
async function* sequentialMessages(
  file: string,
  reader: SequentialReader,
  rowsSoFar: () => number,
): AsyncGenerator<RawMessage> {
  for (;;) {
    const offset = reader.position;
    const first = await reader.read(4);
    if (first.byteLength === 0) return;
    if (first.byteLength < 4) throw truncated(file, rowsSoFar(), "a complete message header");
    let prefixBytes = first;
    if (new DataView(first.buffer, first.byteOffset, 4).getInt32(0, true) === -1) {
      const length = await reader.read(4);
      if (length.byteLength < 4) throw truncated(file, rowsSoFar(), "a complete message header");
      prefixBytes = new Uint8Array(8);
      prefixBytes.set(first);
      prefixBytes.set(length, 4);
    }
    const prefix = decodePrefix(prefixBytes)!;
    if (prefix.metadataLength === 0) return;
    if (prefix.metadataLength < 0 || prefix.metadataLength > 1 << 26)
      throw notArrow(file, `a message header of ${prefix.metadataLength} bytes at byte ${offset}`);
    const metadata = await reader.read(prefix.metadataLength);
    if (metadata.byteLength < prefix.metadataLength)
      throw truncated(file, rowsSoFar(), "complete message metadata");
    let message;
    try {
      message = decodeMessage(metadata);
    } catch {
      throw notArrow(file, `unreadable message metadata at byte ${offset}`);
    }
    const body = await reader.read(message.bodyLength);
    if (body.byteLength < message.bodyLength) throw truncated(file, rowsSoFar(), "a complete record batch");
    yield {
      headerType: message.headerType,
      header: message.header(),
      body,
      offset,
      byteLength: prefix.framing + prefix.metadataLength + message.bodyLength,
    };
  }
}

/** An opened run: its header, its footer blocks when it has them, and its batches on demand. */
export interface RunHandle {
  header: RunHeader;
  schema: Schema;
  blocks: IpcBlock[] | null;
  batches(options?: ReadOptions): AsyncGenerator<SampleBatch>;
}

function schemaOf(file: string, message: RawMessage | undefined): Schema {
  if (!message) throw new FormatError({ file, expected: "an Arrow schema message", found: "none" });
  if (message.headerType !== MessageHeader.Schema)
    throw new FormatError({
      file,
      expected: "the Arrow schema as the first message",
      found: `message type ${message.headerType}`,
    });
  return message.header as Schema;
}

interface FooterInfo {
  schema: Schema;
  blocks: IpcBlock[];
}

/** The footer of the file format (schema and record batch blocks), or null when it is missing. */
async function readFooter(source: RandomAccessSource): Promise<FooterInfo | null> {
  if (source.size < FILE_HEADER_BYTES + 10) return null;
  const tail = await source.read(source.size - 10, 10);
  if (!startsWithMagic(tail.subarray(4))) return null;
  const footerLength = new DataView(tail.buffer, tail.byteOffset, 4).getInt32(0, true);
  if (footerLength <= 0 || footerLength > source.size - 10 - FILE_HEADER_BYTES) return null;
  try {
    const footer = Footer.decode(await source.read(source.size - 10 - footerLength, footerLength));
    return {
      schema: footer.schema,
      blocks: [...footer.recordBatches()].map((b) => ({
        offset: Number(b.offset),
        metaDataLength: b.metaDataLength,
        bodyLength: Number(b.bodyLength),
      })),
    };
  } catch {
    return null;
  }
}

/** The most footer bytes a streamed file may end with (a footer lists 24 bytes per record batch). */
const MAX_STREAMED_FOOTER = 1 << 26;

function footerMismatch(file: string, found: string): FormatError {
  return new FormatError({
    file,
    field: "footer",
    expected: "a footer with the same schema and record batches as the file's messages",
    found,
  });
}

function sameSchema(a: Schema, b: Schema): boolean {
  const fields = (s: Schema) => s.fields.map((f) => `${f.name}\0${typeName(f.type)}\0${f.nullable}`);
  const metadata = (s: Schema) => [...s.metadata].map(([k, v]) => `${k}\0${v}`).sort();
  return (
    JSON.stringify(fields(a)) === JSON.stringify(fields(b)) &&
    JSON.stringify(metadata(a)) === JSON.stringify(metadata(b))
  );
}

/**
 * The end of a file-format run read front to back: what follows the end-of-stream marker must be a
 * footer naming the same schema and exactly the record batches that were read, so that a reader going
 * through the footer (File.slice, HTTP Range) finds the batches that were checked.
 */
async function checkStreamedFooter(
  file: string,
  reader: SequentialReader,
  schema: Schema,
  read: IpcBlock[],
  rows: number,
): Promise<void> {
  const tail = await reader.read(MAX_STREAMED_FOOTER + 10);
  if (tail.byteLength < 10 || !startsWithMagic(tail.subarray(tail.byteLength - 6)))
    throw truncated(file, rows, "the file footer (a file ending in ARROW1)");
  const footerLength = new DataView(tail.buffer, tail.byteOffset + tail.byteLength - 10, 4).getInt32(0, true);
  if (footerLength !== tail.byteLength - 10)
    throw footerMismatch(
      file,
      `a footer length of ${footerLength} where ${tail.byteLength - 10} bytes remain`,
    );
  let footer: Footer;
  try {
    footer = Footer.decode(tail.subarray(0, footerLength));
  } catch {
    throw footerMismatch(file, "an unreadable footer");
  }
  if (!sameSchema(footer.schema, schema)) throw footerMismatch(file, "a different schema");
  const blocks = [...footer.recordBatches()];
  const differs = (b: (typeof blocks)[number], r: IpcBlock) =>
    Number(b.offset) !== r.offset ||
    b.metaDataLength !== r.metaDataLength ||
    Number(b.bodyLength) !== r.bodyLength;
  const at = blocks.findIndex((b, i) => i >= read.length || differs(b, read[i]));
  if (blocks.length !== read.length || at >= 0)
    throw footerMismatch(
      file,
      `${blocks.length} record batches listed, ${read.length} in the file${at >= 0 ? ` (first difference: batch ${at})` : ""}`,
    );
}

/** The first message after a file's magic, read to see whether it is the schema (most writers put it there). */
async function leadingMessage(reader: SequentialReader): Promise<{ bytes: Uint8Array; schema: boolean }> {
  const prefixBytes = await reader.read(8);
  const prefix = decodePrefix(prefixBytes);
  if (!prefix || prefix.framing !== 8 || prefix.metadataLength <= 0 || prefix.metadataLength > 1 << 26)
    return { bytes: prefixBytes, schema: false };
  const metadata = await reader.read(prefix.metadataLength);
  const bytes = new Uint8Array(8 + metadata.byteLength);
  bytes.set(prefixBytes);
  bytes.set(metadata, 8);
  let schema = false;
  try {
    schema =
      metadata.byteLength === prefix.metadataLength &&
      decodeMessage(metadata).headerType === MessageHeader.Schema;
  } catch {
    // not a message: left to the reader that gathers the whole file
  }
  return { bytes, schema };
}

function checkStreamStart(file: string, head: Uint8Array): void {
  const prefix = decodePrefix(head);
  if (!prefix || prefix.framing !== 8 || prefix.metadataLength <= 0)
    throw notArrow(
      file,
      `bytes that start with ${Array.from(head.subarray(0, 6), (b) => b.toString(16).padStart(2, "0")).join(" ") || "nothing"}`,
    );
}

/**
 * Opens a run. The file format is read through its footer (apache-arrow's file writer puts the schema
 * only there), one record batch per read; the stream format front to back. A file-format run given as
 * a sequential stream is read front to back too when its schema comes first, and its footer checked
 * at the end; without a leading schema it is gathered in memory first, since its schema comes last.
 */
export async function openRun(input: ByteSourceInput, file: string): Promise<RunHandle> {
  let random = toRandomAccess(input);
  let sequential: AsyncIterable<Uint8Array> | null = null;
  let streamedFile = false;
  if (!random) {
    const reader = sequentialReader(input);
    const head = await reader.read(8);
    if (head.byteLength === 0) throw notArrow(file, "an empty file");
    const rest = reader.rest();
    if (startsWithMagic(head)) {
      const lead = await leadingMessage(reader);
      streamedFile = lead.schema;
      if (streamedFile)
        sequential = {
          async *[Symbol.asyncIterator]() {
            yield head;
            yield lead.bytes;
            yield* rest;
          },
        };
      else {
        const first = new Uint8Array(head.byteLength + lead.bytes.byteLength);
        first.set(head);
        first.set(lead.bytes, head.byteLength);
        random = toRandomAccess(await readAllBytes(rest, first));
      }
    } else {
      checkStreamStart(file, head);
      sequential = {
        async *[Symbol.asyncIterator]() {
          yield head;
          yield* rest;
        },
      };
    }
  }

  let format: "file" | "stream" = streamedFile ? "file" : "stream";
  let footer: FooterInfo | null = null;
  let start = streamedFile ? FILE_HEADER_BYTES : 0;
  if (random) {
    if (random.size === 0) throw notArrow(file, "an empty file");
    const head = await random.read(0, Math.min(random.size, 16));
    if (startsWithMagic(head)) {
      format = "file";
      start = FILE_HEADER_BYTES;
      footer = await readFooter(random);
    } else checkStreamStart(file, head);
  }

  let rows = 0;
  const reader = sequentialReader(random ?? sequential!, start);
  const messages = sequentialMessages(file, reader, () => rows);
  let schema: Schema;
  if (footer) schema = footer.schema;
  else {
    const first = await messages.next();
    const message = first.done ? undefined : first.value;
    if (format === "file" && message?.headerType !== MessageHeader.Schema)
      throw truncated(file, 0, "the file footer (a file ending in ARROW1, which holds the schema)");
    schema = schemaOf(file, message);
  }
  const header = headerFrom(file, schema, format);
  // A histogram run opens (its header is useful) but has no sample batches.
  const sampleContext = header.kind === "samples" ? contextFrom(file, schema, format) : null;
  let used = false;

  async function* batches(options: ReadOptions = {}): AsyncGenerator<SampleBatch> {
    if (used) throw new Error(`${file}: batches() can be read once per openRun`);
    used = true;
    const ctx = sampleContext ?? contextFrom(file, schema, format);
    let scratch: Float64Array | null = options.reuseTimestamps ? new Float64Array(0) : null;
    let body: Uint8Array | null = null;
    const decode = (message: RawMessage, index: number, previous: number) => {
      const header = message.header as BatchHeader;
      if (scratch && scratch.length < header.length) scratch = new Float64Array(header.length);
      const batch = decodeBatch(ctx, header, message.body, index, rows, previous, scratch);
      if (scratch) batch.reused = true;
      return batch;
    };
    let previous = -Infinity;
    let index = 0;
    if (random && footer) {
      for (const block of footer.blocks) {
        const length = block.metaDataLength + block.bodyLength;
        let bytes: Uint8Array;
        if (options.reuseTimestamps && random.readReused)
          bytes = await random.readReused(block.offset, length);
        else if (options.reuseTimestamps && random.readInto) {
          if (!body || body.byteLength < length) body = new Uint8Array(length);
          bytes = await random.readInto(block.offset, body.subarray(0, length));
        } else bytes = await random.read(block.offset, length);
        if (bytes.byteLength < block.metaDataLength + block.bodyLength)
          throw truncated(file, rows, `record batch ${index} at byte ${block.offset}`);
        const message = parseFramed(file, bytes, block.offset);
        if (message.headerType !== MessageHeader.RecordBatch) continue;
        const batch = decode(message, index, previous);
        batch.byteOffset = block.offset;
        batch.byteLength = message.byteLength;
        yield batch;
        rows += batch.ts.length;
        if (batch.ts.length) previous = batch.ts[batch.ts.length - 1];
        index++;
      }
    } else {
      const read: IpcBlock[] = [];
      for await (const message of messages) {
        if (message.headerType !== MessageHeader.RecordBatch) continue;
        const metaDataLength = message.byteLength - message.body.byteLength;
        read.push({ offset: message.offset, metaDataLength, bodyLength: message.body.byteLength });
        const batch = decode(message, index, previous);
        if (random || streamedFile) {
          batch.byteOffset = message.offset;
          batch.byteLength = message.byteLength;
        }
        yield batch;
        rows += batch.ts.length;
        if (batch.ts.length) previous = batch.ts[batch.ts.length - 1];
        index++;
      }
      if (streamedFile) await checkStreamedFooter(file, reader, schema, read, rows);
      else if (format === "file") throw truncated(file, rows, "the file footer (a file ending in ARROW1)");
    }
    if (rows === 0 && !options.allowEmpty)
      throw new FormatError({
        file,
        field: COLUMN.ts,
        expected: "at least one sample",
        found: "an empty run",
      });
  }

  return { header, schema, blocks: footer?.blocks ?? null, batches };
}

/** The batches of a run, validated as they are read. */
export async function* readRunBatches(
  source: ByteSourceInput,
  fileName: string,
  options?: ReadOptions,
): AsyncGenerator<SampleBatch> {
  const run = await openRun(source, fileName);
  yield* run.batches(options);
}

export async function readRunHeader(source: ByteSourceInput, fileName: string): Promise<RunHeader> {
  return (await openRun(source, fileName)).header;
}

/** The header and the footer's record batch blocks (byte offset and length of each batch). */
export async function readRunFooter(source: ByteSourceInput, fileName: string): Promise<RunFooter> {
  const run = await openRun(source, fileName);
  return { header: run.header, blocks: run.blocks };
}

export interface BatchLocation {
  index: number;
  firstRow: number;
  byteOffset: number;
  byteLength: number;
}

/**
 * Fetches just the given record batches (from a summary's batch index) of a random-access source:
 * `File.slice`, HTTP Range or a Node file. With a window, each batch keeps (and decodes) only its
 * samples with t0 ≤ ts < t1, found by binary search on the raw timestamps.
 */
export async function* readBatchesAt(
  source: RandomAccessSource | Uint8Array | Blob,
  fileName: string,
  locations: BatchLocation[],
  window?: { t0: number; t1: number },
): AsyncGenerator<SampleBatch> {
  const run = await openRun(source, fileName);
  const random = toRandomAccess(source)!;
  const ctx = contextFrom(fileName, run.schema, run.header.format);
  for (const at of locations) {
    const bytes = await random.read(at.byteOffset, at.byteLength);
    const message = parseFramed(fileName, bytes, at.byteOffset);
    if (message.headerType !== MessageHeader.RecordBatch)
      throw new FormatError({
        file: fileName,
        row: at.firstRow,
        expected: `a record batch at byte ${at.byteOffset}`,
      });
    const batch = decodeBatch(
      ctx,
      message.header as BatchHeader,
      message.body,
      at.index,
      at.firstRow,
      -Infinity,
      null,
      window,
    );
    batch.byteOffset = at.byteOffset;
    batch.byteLength = at.byteLength;
    yield batch;
  }
}
