/**
 * An events file whose writer did not finish (the collector was killed): the magic, the schema, whole
 * record batches up to some point, and no footer. What is whole is kept; `tickscope repair` appends the
 * footer after it (encodeFileTail).
 */
import { Schema } from "apache-arrow";
import { FILE_HEADER_BYTES, MessageHeader, startsWithMagic, type IpcBlock } from "./arrow-ipc";
import { bytesSource, sequentialReader, type RandomAccessSource } from "./byte-source";
import { schemaOf, sequentialMessages, type MessagesEnd, type RawMessage } from "./ipc-messages";

export interface EventsRecovery {
  schema: Schema;
  /** The whole record batches and where each sits: what a footer written now lists. */
  blocks: IpcBlock[];
  rows: number;
  /** Where the last whole batch ends (the schema's end when there is none). */
  wholeBytes: number;
  /** Where an incomplete message (or an unfinished footer) starts; null when the file ends between two. */
  cutAt: number | null;
}

/** "recovered: N <rows>, the recording did not finish", and the bytes left out when a message was cut. */
function recoveredNote(recovery: Pick<EventsRecovery, "rows" | "cutAt">, rows: string): string {
  const cut =
    recovery.cutAt === null ? "" : ` (the incomplete message from byte ${recovery.cutAt} on is left out)`;
  return `recovered: ${recovery.rows.toLocaleString("en")} ${rows}, the recording did not finish${cut}`;
}

export const eventsRecoveredNote = (recovery: Pick<EventsRecovery, "rows" | "cutAt">) =>
  recoveredNote(recovery, "events");

/** The same note for a steal table (one row a second of the run). */
export const stealRecoveredNote = (recovery: Pick<EventsRecovery, "rows" | "cutAt">) =>
  recoveredNote(recovery, "seconds of steal");

/**
 * Null for a file that is not the file format or has its footer (read as it is); else the whole batches
 * after the schema, which must come first. A message cut short ends them; a message that is not Arrow is
 * an error naming its byte.
 */
export async function recoverEvents(
  input: Uint8Array | RandomAccessSource,
  file: string,
): Promise<EventsRecovery | null> {
  const source = input instanceof Uint8Array ? bytesSource(input) : input;
  if (!startsWithMagic(await source.read(0, 6))) return null;
  if (source.size >= FILE_HEADER_BYTES + 10 && startsWithMagic(await source.read(source.size - 6, 6)))
    return null;
  let rows = 0;
  const ended: { end?: MessagesEnd } = {};
  const messages = sequentialMessages(file, sequentialReader(source, FILE_HEADER_BYTES), () => rows, ended);
  let schemaMessage: RawMessage | undefined;
  const blocks: IpcBlock[] = [];
  let wholeBytes = FILE_HEADER_BYTES;
  for await (const message of messages) {
    if (!schemaMessage) {
      schemaMessage = message;
      schemaOf(file, message);
    } else if (message.headerType === MessageHeader.RecordBatch) {
      rows += Number((message.header as { length: number | bigint }).length);
      blocks.push({
        offset: message.offset,
        metaDataLength: message.byteLength - message.body.byteLength,
        bodyLength: message.body.byteLength,
      });
    }
    wholeBytes = message.offset + message.byteLength;
  }
  const schema = schemaOf(file, schemaMessage);
  const end = ended.end;
  const cutAt = end && end.how !== "end" ? end.offset : null;
  return { schema, blocks, rows, wholeBytes, cutAt };
}
