/**
 * Reads a run file (Arrow IPC file or stream) batch by batch and validates it against the contract
 * (docs/bundle-format.md): every problem is a FormatError naming the file, the column or key,
 * the row and what was expected. No Node imports: this runs in the CLI, the server and a Web Worker.
 */
import type { Schema } from "apache-arrow";
import { FILE_HEADER_BYTES, MessageHeader, startsWithMagic, type IpcBlock } from "./arrow-ipc";
import {
  readAllBytes,
  sequentialReader,
  toRandomAccess,
  type ByteSourceInput,
  type RandomAccessSource,
} from "./byte-source";
import { decodeBatch, type BatchHeader, type SampleBatch } from "./column-decoding";
import { COLUMN } from "./contract";
import { FormatError } from "./errors";
import {
  checkStreamStart,
  leadingMessage,
  notArrow,
  parseFramed,
  schemaOf,
  sequentialMessages,
  truncated,
  type MessagesEnd,
  type RawMessage,
} from "./ipc-messages";
import { checkStreamedFooter, readFooter, type FooterInfo } from "./run-footer";
import { contextFrom, headerFrom, type RunHeader } from "./run-header";
import type { Recovery, ResumePoint } from "./recovery";

export type { SampleBatch } from "./column-decoding";
export type { RunHeader } from "./run-header";

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

/** An opened run: its header, its footer blocks when it has them, and its batches on demand. */
export interface RunHandle {
  header: RunHeader;
  schema: Schema;
  blocks: IpcBlock[] | null;
  batches(options?: ReadOptions): AsyncGenerator<SampleBatch>;
  /**
   * For a file-format run without its footer (its writer did not finish), once batches() has been read
   * to the end: how many samples were recovered and where the whole batches end. Null otherwise.
   */
  recovery(): Recovery | null;
  /** True when `batches()` starts at `opening.resumeAt` (a recovered run read through random access). */
  resumed: boolean;
}

/**
 * Opens a run. A file-format run whose footer is missing (its writer was killed or the disk filled) is
 * read front to back when its schema comes first, up to its last whole record batch, and marked
 * `header.recovered` (at once through random access; at its end when read as a stream).
 * The file format is read through its footer (apache-arrow's file writer puts the schema
 * only there), one record batch per read; the stream format front to back. A file-format run given as
 * a sequential stream is read front to back too when its schema comes first, and its footer checked
 * at the end; without a leading schema it is gathered in memory first, since its schema comes last.
 * `followed`: the bytes were read as the file was written, so its schema's metadata (replaced in place
 * when the run ended) may differ from its footer's; the fields and batches must still agree.
 * `resumeAt`: for a recovered run read through random access, `batches()` reads only the record batches
 * from that point on (a summary checkpoint covers those before it); ignored otherwise (`resumed` says).
 */
export async function openRun(
  input: ByteSourceInput,
  file: string,
  opening: { followed?: boolean; resumeAt?: ResumePoint } = {},
): Promise<RunHandle> {
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
  const ended: { end?: MessagesEnd } = {};
  const messages = sequentialMessages(file, reader, () => rows, format === "file" ? ended : undefined);
  let schema: Schema;
  if (footer) schema = footer.schema;
  else {
    const first = await messages.next();
    const message = first.done ? undefined : first.value;
    if (format === "file" && !message && ended.end)
      throw new FormatError({
        file,
        field: "schema",
        expected: `a whole schema message from byte ${FILE_HEADER_BYTES} (a run file without its footer is read when its schema comes first)`,
        found:
          ended.end.how === "cut"
            ? `an incomplete message from byte ${ended.end.offset} to the end of the file`
            : `the end of the file at byte ${ended.end.offset}`,
      });
    if (format === "file" && message?.headerType !== MessageHeader.Schema)
      throw truncated(file, 0, "the file footer (a file ending in ARROW1, which holds the schema)");
    schema = schemaOf(file, message);
  }
  const header = headerFrom(file, schema, format);
  if (format === "file" && !footer && !streamedFile) header.recovered = true;
  const resume = random && format === "file" && !footer ? (opening.resumeAt ?? null) : null;
  let recovery: Recovery | null = null;
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
    const advance = (batch: SampleBatch) => {
      rows += batch.ts.length;
      if (batch.ts.length) previous = batch.ts[batch.ts.length - 1];
      index++;
    };
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
        advance(batch);
      }
    } else {
      const read: IpcBlock[] = resume ? [...resume.blocks] : [];
      let from = messages;
      if (resume) {
        from = sequentialMessages(file, sequentialReader(random!, resume.byteOffset), () => rows, ended);
        index = resume.batches;
        rows = resume.rows;
        previous = resume.lastTs;
      }
      for await (const message of from) {
        if (message.headerType !== MessageHeader.RecordBatch) continue;
        const metaDataLength = message.byteLength - message.body.byteLength;
        read.push({ offset: message.offset, metaDataLength, bodyLength: message.body.byteLength });
        const batch = decode(message, index, previous);
        if (random || streamedFile) {
          batch.byteOffset = message.offset;
          batch.byteLength = message.byteLength;
          batch.bodyLength = message.body.byteLength;
        }
        yield batch;
        advance(batch);
      }
      const end = ended.end;
      const whole = read.length ? read[read.length - 1].offset + blockBytes(read[read.length - 1]) : -1;
      const finished =
        streamedFile &&
        end?.how === "marker" &&
        (await checkStreamedFooter(file, reader, schema, read, !opening.followed));
      if (format === "file" && end && !finished) {
        header.recovered = true;
        recovery = {
          samples: rows,
          batches: read.length,
          wholeBytes: whole >= 0 ? whole : end.offset,
          cutAt: end.how === "cut" ? end.offset : null,
          blocks: read,
        };
      }
    }
    if (rows === 0 && !options.allowEmpty)
      throw new FormatError({
        file,
        field: COLUMN.ts,
        expected: "at least one sample",
        found: recovery
          ? `no whole record batch: the run did not finish${recovery.cutAt === null ? "" : ` and its file ends inside a message from byte ${recovery.cutAt}`}`
          : "an empty run",
      });
  }

  return {
    header,
    schema,
    blocks: footer?.blocks ?? null,
    batches,
    recovery: () => recovery,
    resumed: resume !== null,
  };
}

function blockBytes(block: IpcBlock): number {
  return block.metaDataLength + block.bodyLength;
}

/**
 * The last timestamp of a run with footer blocks, from its last record batch alone (validated as any
 * batch); null without blocks or when that batch is empty.
 */
export async function lastTimestamp(
  source: RandomAccessSource | Uint8Array | Blob,
  fileName: string,
  opened: Pick<RunHandle, "schema" | "header" | "blocks">,
): Promise<number | null> {
  const block = opened.blocks?.at(-1);
  if (!block) return null;
  const location = {
    index: opened.blocks!.length - 1,
    firstRow: 0,
    byteOffset: block.offset,
    byteLength: blockBytes(block),
  };
  for await (const batch of readBatchesAt(source, fileName, [location], undefined, opened))
    return batch.ts.length ? batch.ts[batch.ts.length - 1] : null;
  return null;
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
 * samples with t0 ≤ ts < t1, found by binary search on the raw timestamps. `opened`: the run, opened once
 * by the caller (opening reads and decodes the footer, which lists every batch: 10^4 of them for a 24 h run).
 */
export async function* readBatchesAt(
  source: RandomAccessSource | Uint8Array | Blob,
  fileName: string,
  locations: BatchLocation[],
  window?: { t0: number; t1: number },
  opened?: Pick<RunHandle, "schema" | "header">,
): AsyncGenerator<SampleBatch> {
  const run = opened ?? (await openRun(source, fileName));
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
