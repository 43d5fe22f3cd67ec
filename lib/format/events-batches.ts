/**
 * A run's events file read one record batch at a time, front to back, each batch checked as it comes
 * (sorted by start across batches, ends at or after starts, known kinds): a day of events is never
 * held whole. Reads the file format (with its footer, or without it after a crash: up to the last
 * whole batch, with the "recovered" note) and the stream format.
 */
import { Table, tableFromIPC, tableToIPC, Type, type Schema } from "apache-arrow";
import { Message } from "apache-arrow/ipc/metadata/message";
import { FILE_HEADER_BYTES, MessageHeader, startsWithMagic, type ColumnSlot } from "./arrow-ipc";
import {
  readAllBytes,
  sequentialReader,
  toRandomAccess,
  type ByteSourceInput,
  type RandomAccessSource,
  type SequentialReader,
} from "./byte-source";
import { EVENT_KINDS, EVENTS_COLUMN, isEventKind, type EventKind, type EventsMeta } from "./events-contract";
import { eventsRecoveredNote } from "./events-recovery";
import {
  eventColumnsOfMessage,
  eventColumnsOfTable,
  eventSlots,
  type EventColumns,
  type EventScratch,
} from "./event-columns";
import { column, eventsMetaOf, numbers, strings } from "./events-columns";
import { FormatError } from "./errors";
import { parseFramed, schemaOf, sequentialMessages, type MessagesEnd, type RawMessage } from "./ipc-messages";
import { readFooter, type FooterInfo } from "./run-footer";

/** One record batch of an events file: times in ns since the run started (the samples' time base). */
export interface EventBatch {
  ts: Float64Array;
  end: Float64Array;
  kind: EventKind[];
  name: string[];
  cpu: Int32Array;
  /** The file's row number of this batch's first interval. */
  firstRow: number;
  /** Where the batch's message starts in the file, and its length (framing, metadata and body). */
  offset: number;
  byteLength: number;
}

/** One record batch of an events file as typed columns (`readEventColumnBatches`), and where it sits. */
export type EventColumnBatch = EventColumns & Pick<EventBatch, "firstRow" | "offset" | "byteLength">;

export interface EventBatches<B = EventBatch> {
  meta: EventsMeta;
  /** The schema as a framed message: with a batch's bytes, what decodes it (`readEventBatchAt`). */
  schemaBytes: Uint8Array;
  /** Whether each batch's `offset` is where it sits in the file (false for a file read whole). */
  located: boolean;
  /** The batches in file order; each is checked before it is given. */
  batches: AsyncIterable<B>;
  /** Once `batches` has ended: the "recovered: …" note of a file whose footer is missing, else undefined. */
  recovered(): string | undefined;
  /** Once `batches` has ended: how many intervals the file holds. */
  rows(): number;
}

const CONTINUATION = 0xffffffff;

function framed(message: RawMessage): Uint8Array {
  const metadata = message.metadata!;
  const out = new Uint8Array(8 + metadata.byteLength + message.body.byteLength);
  const view = new DataView(out.buffer);
  view.setUint32(0, CONTINUATION, true);
  view.setInt32(4, metadata.byteLength, true);
  out.set(metadata, 8);
  out.set(message.body, 8 + metadata.byteLength);
  return out;
}

/** A reader that gives `head` first, then the rest of `reader`: the bytes read to tell the format, put back. */
function withHead(head: Uint8Array, reader: SequentialReader): SequentialReader {
  async function* chunks() {
    if (head.byteLength) yield head;
    yield* reader.rest();
  }
  return sequentialReader(chunks());
}

function decodeBatch(schemaBytes: Uint8Array, message: FramedBatch, file: string): Table {
  const bytes = new Uint8Array(schemaBytes.byteLength + message.bytes.byteLength);
  bytes.set(schemaBytes);
  bytes.set(message.bytes, schemaBytes.byteLength);
  try {
    return tableFromIPC(bytes);
  } catch (error) {
    throw new FormatError({
      file,
      expected: "an Arrow record batch of a run's events",
      found: `${(error as Error).message} (at byte ${message.offset})`,
    });
  }
}

function checkedBatch(
  table: Table,
  file: string,
  firstRow: number,
  previousTs: number,
): Omit<EventBatch, "offset" | "byteLength"> {
  const ts = numbers(column(table, file, EVENTS_COLUMN.ts, Type.Int, "int64"));
  const end = numbers(column(table, file, EVENTS_COLUMN.end, Type.Int, "int64"));
  const kindColumn = column(table, file, EVENTS_COLUMN.kind, Type.Utf8, "utf8");
  const nameColumn = column(table, file, EVENTS_COLUMN.name, Type.Utf8, "utf8");
  const cpu = Int32Array.from(numbers(column(table, file, EVENTS_COLUMN.cpu, Type.Int, "int32")));
  const kindText = strings(kindColumn);
  const kind = kindText as EventKind[];
  const name = strings(nameColumn);
  let last = previousTs;
  for (let i = 0; i < ts.length; i++) {
    const row = firstRow + i;
    if (ts[i] < last)
      throw new FormatError({
        file,
        field: EVENTS_COLUMN.ts,
        row,
        expected: `events sorted by start (at or after ${last})`,
        found: String(ts[i]),
      });
    last = ts[i];
    if (end[i] < ts[i])
      throw new FormatError({
        file,
        field: EVENTS_COLUMN.end,
        row,
        expected: `an end at or after the start (${ts[i]})`,
        found: String(end[i]),
      });
    const k = kindText[i];
    if (!isEventKind(k))
      throw new FormatError({
        file,
        field: EVENTS_COLUMN.kind,
        row,
        expected: `one of ${EVENT_KINDS.join(", ")}`,
        found: `"${k}"`,
      });
  }
  return { ts, end, kind, name, cpu, firstRow };
}

/** Whether what follows the end-of-stream marker is a footer (the file ends with the magic). */
async function footerFollows(reader: SequentialReader): Promise<boolean> {
  let tail = new Uint8Array(0);
  for await (const chunk of reader.rest()) {
    const joined = new Uint8Array(Math.min(6, tail.byteLength + chunk.byteLength));
    const both = tail.byteLength + chunk.byteLength;
    // The last 6 bytes seen so far.
    for (let i = 0; i < joined.byteLength; i++) {
      const at = both - joined.byteLength + i;
      joined[i] = at < tail.byteLength ? tail[at] : chunk[at - tail.byteLength];
    }
    tail = joined;
  }
  return startsWithMagic(tail);
}

/** A record batch message, framed as in a stream (what `decodeBatch` takes). */
interface FramedBatch {
  bytes: Uint8Array;
  offset: number;
  byteLength: number;
}

interface MessageSource {
  located: boolean;
  schema: Schema;
  schemaBytes: Uint8Array;
  batches: AsyncIterable<FramedBatch>;
  /** Once `batches` has ended: the note of a file cut short, or undefined. */
  recovered(rows: number): Promise<string | undefined>;
}

function framedSchema(schema: Schema): Uint8Array {
  const metadata = Message.encode(Message.from(schema));
  const padded = (metadata.byteLength + 7) & ~7;
  const out = new Uint8Array(8 + padded);
  const view = new DataView(out.buffer);
  view.setUint32(0, CONTINUATION, true);
  view.setInt32(4, padded, true);
  out.set(metadata, 8);
  return out;
}

/** A file with its footer, read through random access: the footer's schema, then each batch where it lists it. */
async function footerMessages(source: RandomAccessSource, footer: FooterInfo): Promise<MessageSource> {
  async function* batches(): AsyncGenerator<FramedBatch> {
    for (const block of footer.blocks) {
      const byteLength = block.metaDataLength + block.bodyLength;
      yield { bytes: await source.read(block.offset, byteLength), offset: block.offset, byteLength };
    }
  }
  return {
    located: true,
    schema: footer.schema,
    schemaBytes: framedSchema(footer.schema),
    batches: batches(),
    recovered: async () => undefined,
  };
}

/**
 * Messages read front to back. The file format is read leniently: a file cut short (a crash) ends at its
 * last whole batch. Null when the schema does not come first (a writer that puts it only in the footer).
 */
async function sequentialSource(
  reader: SequentialReader,
  file: string,
  fileFormat: boolean,
  rowsSoFar: () => number,
): Promise<MessageSource | null> {
  const ended: { end?: MessagesEnd } = {};
  const messages = sequentialMessages(file, reader, rowsSoFar, fileFormat ? ended : undefined)[
    Symbol.asyncIterator
  ]();
  const first = await messages.next();
  const schemaMessage = first.done ? undefined : first.value;
  if (fileFormat && schemaMessage && schemaMessage.headerType !== MessageHeader.Schema) return null;
  const schema = schemaOf(file, schemaMessage);
  async function* batches(): AsyncGenerator<FramedBatch> {
    for (;;) {
      const next = await messages.next();
      if (next.done) return;
      const message = next.value;
      if (message.headerType === MessageHeader.RecordBatch)
        yield { bytes: framed(message), offset: message.offset, byteLength: message.byteLength };
    }
  }
  return {
    located: true,
    schema,
    schemaBytes: framed(schemaMessage!),
    batches: batches(),
    recovered: async (rows) => {
      const end = ended.end;
      if (!fileFormat || !end || (end.how === "marker" && (await footerFollows(reader)))) return undefined;
      return eventsRecoveredNote({ rows, cutAt: end.how === "end" ? null : end.offset });
    },
  };
}

/** A file held whole (the fallback for a sequential file whose schema is only in its footer). */
async function wholeFile(bytes: Uint8Array, file: string): Promise<MessageSource> {
  let table: Table;
  try {
    table = tableFromIPC(bytes);
  } catch (error) {
    throw new FormatError({
      file,
      expected: "an Arrow IPC file (a run's events)",
      found: (error as Error).message,
    });
  }
  const schemaBytes = framedSchema(table.schema);
  async function* batches(): AsyncGenerator<FramedBatch> {
    for (const batch of table.batches) {
      const stream = tableToIPC(new Table([batch]), "stream");
      // The stream's schema message is dropped: the batch's message follows it.
      const first = parseFramed(file, stream, 0);
      const bytes = stream.subarray(first.byteLength + ((8 - (first.byteLength % 8)) % 8));
      yield { bytes, offset: 0, byteLength: bytes.byteLength };
    }
  }
  return {
    located: false,
    schema: table.schema,
    schemaBytes,
    batches: batches(),
    recovered: async () => undefined,
  };
}

/** `runs/<id>.events.arrow`, one checked batch at a time (see the file's comment). */
export function readEventBatches(input: ByteSourceInput, file: string): Promise<EventBatches> {
  return readBatches(input, file, (from) => (message, firstRow, previousTs) => {
    const batch = checkedBatch(decodeBatch(from.schemaBytes, message, file), file, firstRow, previousTs);
    return { ...batch, offset: message.offset, byteLength: message.byteLength };
  });
}

/**
 * The same batches as typed columns (event-columns.ts): times from the int64 words, kinds as codes, names
 * made strings only when asked; checked as `readEventBatches` checks them (the cpu column checked, not decoded).
 * Straight from each message's body, or through an Arrow table when compressed or not the plain schema.
 */
export function readEventColumnBatches(
  input: ByteSourceInput,
  file: string,
): Promise<EventBatches<EventColumnBatch>> {
  return readBatches(input, file, (from) => {
    const slots = eventSlots(from.schema);
    checkCpuField(from.schema, file);
    return (message, firstRow, previousTs) => {
      const columns =
        (slots && eventColumnsOfMessage(slots, message.bytes, file, firstRow, message.offset)) ||
        eventColumnsOfTable(decodeBatch(from.schemaBytes, message, file), file, firstRow);
      if (columns.ts.length && columns.ts[0] < previousTs)
        throw new FormatError({
          file,
          field: EVENTS_COLUMN.ts,
          row: firstRow,
          expected: `events sorted by start (at or after ${previousTs})`,
          found: String(columns.ts[0]),
        });
      return { ...columns, firstRow, offset: message.offset, byteLength: message.byteLength };
    };
  });
}

/** The cpu column, not decoded by the typed columns, is there with its type all the same (even in a file without batches). */
function checkCpuField(schema: Schema, file: string): void {
  const field = schema.fields.find((f) => f.name === EVENTS_COLUMN.cpu);
  if (!field)
    throw new FormatError({
      file,
      field: EVENTS_COLUMN.cpu,
      expected: `a column "${EVENTS_COLUMN.cpu}" (int32)`,
      found: "none",
    });
  if (field.type.typeId !== Type.Int)
    throw new FormatError({ file, field: EVENTS_COLUMN.cpu, expected: "int32", found: String(field.type) });
}

async function readBatches<B extends { ts: Float64Array }>(
  input: ByteSourceInput,
  file: string,
  decoder: (from: MessageSource) => (message: FramedBatch, firstRow: number, previousTs: number) => B,
): Promise<EventBatches<B>> {
  let rows = 0;
  const random = toRandomAccess(input);
  const start = sequentialReader(input);
  const head = await start.read(FILE_HEADER_BYTES);
  const fileFormat = startsWithMagic(head);
  const footer = random && fileFormat ? await readFooter(random) : null;
  let source: MessageSource | null;
  if (random && footer) source = await footerMessages(random, footer);
  else {
    const reader = fileFormat ? start : withHead(head, start);
    source = await sequentialSource(reader, file, fileFormat, () => rows);
    if (!source) {
      const whole = random ? await random.read(0, random.size) : await readAllBytes(start.rest(), head);
      source = await wholeFile(whole, file);
    }
  }
  const meta = eventsMetaOf(source.schema, file, true)!;
  let recovered: string | undefined;
  let done = false;
  const from = source;

  const decode = decoder(from);
  async function* batches(): AsyncGenerator<B> {
    let previousTs = -Infinity;
    for await (const message of from.batches) {
      const batch = decode(message, rows, previousTs);
      rows += batch.ts.length;
      if (batch.ts.length) previousTs = batch.ts[batch.ts.length - 1];
      yield batch;
    }
    recovered = await from.recovered(rows);
    done = true;
  }

  return {
    meta,
    schemaBytes: source.schemaBytes,
    located: source.located,
    batches: batches(),
    recovered: () => {
      if (!done) throw new Error(`${file}: the recovered note is known once every batch is read`);
      return recovered;
    },
    rows: () => rows,
  };
}

/** Where an earlier read found a batch. */
export type EventBatchLocation = Pick<EventBatch, "offset" | "byteLength" | "firstRow">;

/**
 * One batch again as typed columns (names made strings only when asked), where an earlier read found
 * it; checked again. Straight from the message's body, or through an Arrow table when compressed. With
 * `scratch`, read and decoded into its arrays (the columns hold until the scratch's next use).
 */
export async function readEventColumnsAt(
  source: RandomAccessSource,
  file: string,
  schemaBytes: Uint8Array,
  at: EventBatchLocation,
  scratch?: EventScratch,
): Promise<EventColumns> {
  const bytes =
    scratch && source.readInto
      ? await source.readInto(at.offset, scratch.bytesFor(at.byteLength))
      : await source.read(at.offset, at.byteLength);
  if (bytes.byteLength < at.byteLength)
    throw new FormatError({
      file,
      expected: `a record batch at byte ${at.offset}`,
      found: "the end of the file",
    });
  let slots = slotsBySchema.get(schemaBytes);
  if (slots === undefined) {
    slots = eventSlots(schemaOf(file, parseFramed(file, schemaBytes, 0)));
    slotsBySchema.set(schemaBytes, slots);
  }
  const direct = slots && eventColumnsOfMessage(slots, bytes, file, at.firstRow, at.offset, scratch);
  if (direct) return direct;
  const message = { bytes, offset: at.offset, byteLength: at.byteLength };
  return eventColumnsOfTable(decodeBatch(schemaBytes, message, file), file, at.firstRow);
}

const slotsBySchema = new WeakMap<Uint8Array, ColumnSlot[] | null>();

/** One batch again, where an earlier read found it (`EventBatch.offset`, `byteLength`, `firstRow`): already checked. */
export async function readEventBatchAt(
  source: RandomAccessSource,
  file: string,
  schemaBytes: Uint8Array,
  at: Pick<EventBatch, "offset" | "byteLength" | "firstRow">,
): Promise<EventBatch> {
  const bytes = await source.read(at.offset, at.byteLength);
  if (bytes.byteLength < at.byteLength)
    throw new FormatError({
      file,
      expected: `a record batch at byte ${at.offset}`,
      found: "the end of the file",
    });
  const message = { bytes, offset: at.offset, byteLength: at.byteLength };
  const batch = checkedBatch(decodeBatch(schemaBytes, message, file), file, at.firstRow, -Infinity);
  return { ...batch, offset: at.offset, byteLength: at.byteLength };
}
