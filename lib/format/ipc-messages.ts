/**
 * Arrow IPC framing: messages (a length prefix, flatbuffer metadata, a body) parsed from bytes held
 * whole or read one after another from a sequential source.
 */
import type { Schema } from "apache-arrow";
import { MessageHeader, decodeMessage, decodePrefix } from "./arrow-ipc";
import type { SequentialReader } from "./byte-source";
import { FormatError } from "./errors";

export function notArrow(file: string, found: string): FormatError {
  return new FormatError({ file, expected: "an Arrow IPC file (ARROW1) or stream", found });
}

export function truncated(file: string, row: number, what: string): FormatError {
  return new FormatError({ file, row, expected: `${what}: the file is truncated` });
}

export interface RawMessage {
  headerType: MessageHeader;
  header: unknown;
  body: Uint8Array;
  /** The message's flatbuffer metadata as framed (with its padding); given by `sequentialMessages`. */
  metadata?: Uint8Array;
  offset: number;
  byteLength: number;
}

/** Parses one framed message held whole in `bytes` (from a footer block). */
export function parseFramed(file: string, bytes: Uint8Array, offset: number): RawMessage {
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

/** How a sequence of messages ended: at the end-of-stream marker, at the end of the bytes, or cut off. */
export interface MessagesEnd {
  how: "marker" | "end" | "cut";
  /** Where the marker, the end or the incomplete message starts. */
  offset: number;
}

/**
 * Reads framed messages one after another; ends at the end-of-stream marker or the end of the bytes.
 * A message cut off by the end of the bytes is an error, unless `lenient` is given: then the messages
 * end before it and `lenient.end` says where (a run whose writer died, read up to its last whole batch).
 */
export async function* sequentialMessages(
  file: string,
  reader: SequentialReader,
  rowsSoFar: () => number,
  lenient?: { end?: MessagesEnd },
): AsyncGenerator<RawMessage> {
  const finish = (how: MessagesEnd["how"], offset: number) => {
    if (lenient) lenient.end = { how, offset };
  };
  const cut = (offset: number, what: string) => {
    if (!lenient) throw truncated(file, rowsSoFar(), what);
    finish("cut", offset);
  };
  for (;;) {
    const offset = reader.position;
    const first = await reader.read(4);
    if (first.byteLength === 0) return finish("end", offset);
    if (first.byteLength < 4) return cut(offset, "a complete message header");
    let prefixBytes = first;
    if (new DataView(first.buffer, first.byteOffset, 4).getInt32(0, true) === -1) {
      const length = await reader.read(4);
      if (length.byteLength < 4) return cut(offset, "a complete message header");
      prefixBytes = new Uint8Array(8);
      prefixBytes.set(first);
      prefixBytes.set(length, 4);
    }
    const prefix = decodePrefix(prefixBytes)!;
    if (prefix.metadataLength === 0) return finish("marker", offset);
    if (prefix.metadataLength < 0 || prefix.metadataLength > 1 << 26)
      throw notArrow(file, `a message header of ${prefix.metadataLength} bytes at byte ${offset}`);
    const metadata = await reader.read(prefix.metadataLength);
    if (metadata.byteLength < prefix.metadataLength) return cut(offset, "complete message metadata");
    let message;
    try {
      message = decodeMessage(metadata);
    } catch {
      throw notArrow(file, `unreadable message metadata at byte ${offset}`);
    }
    const body = await reader.read(message.bodyLength);
    if (body.byteLength < message.bodyLength) return cut(offset, "a complete record batch");
    yield {
      headerType: message.headerType,
      header: message.header(),
      body,
      metadata,
      offset,
      byteLength: prefix.framing + prefix.metadataLength + message.bodyLength,
    };
  }
}

export function schemaOf(file: string, message: RawMessage | undefined): Schema {
  if (!message) throw new FormatError({ file, expected: "an Arrow schema message", found: "none" });
  if (message.headerType !== MessageHeader.Schema)
    throw new FormatError({
      file,
      expected: "the Arrow schema as the first message",
      found: `message type ${message.headerType}`,
    });
  return message.header as Schema;
}

/** The first message after a file's magic, read to see whether it is the schema (most writers put it there). */
export async function leadingMessage(
  reader: SequentialReader,
): Promise<{ bytes: Uint8Array; schema: boolean }> {
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

export function checkStreamStart(file: string, head: Uint8Array): void {
  const prefix = decodePrefix(head);
  if (!prefix || prefix.framing !== 8 || prefix.metadataLength <= 0)
    throw notArrow(
      file,
      `bytes that start with ${Array.from(head.subarray(0, 6), (b) => b.toString(16).padStart(2, "0")).join(" ") || "nothing"}`,
    );
}
