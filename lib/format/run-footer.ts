/**
 * The file format's footer (schema and record batch blocks): read through random access, or checked at
 * the end of a file read front to back against what was read.
 */
import { MetadataVersion, type Schema } from "apache-arrow";
import { FileBlock, Footer } from "apache-arrow/ipc/metadata/file";
import { FILE_HEADER_BYTES, FILE_MAGIC, startsWithMagic, type IpcBlock } from "./arrow-ipc";
import type { RandomAccessSource, SequentialReader } from "./byte-source";
import { FormatError } from "./errors";
import { typeName } from "./run-header";

export interface FooterInfo {
  schema: Schema;
  blocks: IpcBlock[];
}

/** The footer of the file format (schema and record batch blocks), or null when it is missing. */
export async function readFooter(source: RandomAccessSource): Promise<FooterInfo | null> {
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

function sameSchema(a: Schema, b: Schema, withMetadata: boolean): boolean {
  const fields = (s: Schema) => s.fields.map((f) => `${f.name}\0${typeName(f.type)}\0${f.nullable}`);
  const metadata = (s: Schema) => [...s.metadata].map(([k, v]) => `${k}\0${v}`).sort();
  return (
    JSON.stringify(fields(a)) === JSON.stringify(fields(b)) &&
    (!withMetadata || JSON.stringify(metadata(a)) === JSON.stringify(metadata(b)))
  );
}

/**
 * The end of a file-format run read front to back: what follows the end-of-stream marker must be a
 * footer naming the same schema and exactly the record batches that were read, so that a reader going
 * through the footer (File.slice, HTTP Range) finds the batches that were checked. False when there is
 * no whole footer (its writer did not finish: the run is recovered); a footer that disagrees is an error.
 * `withMetadata` false: the schema's metadata may differ (a file followed while written, see openRun).
 */
export async function checkStreamedFooter(
  file: string,
  reader: SequentialReader,
  schema: Schema,
  read: IpcBlock[],
  withMetadata = true,
): Promise<boolean> {
  const tail = await reader.read(MAX_STREAMED_FOOTER + 10);
  if (tail.byteLength < 10 || !startsWithMagic(tail.subarray(tail.byteLength - 6))) return false;
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
  if (!sameSchema(footer.schema, schema, withMetadata)) throw footerMismatch(file, "a different schema");
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
  return true;
}

/**
 * What ends a file-format run after its last record batch: the end-of-stream marker, the footer (the
 * schema and where each batch sits), its length and the magic. `tickscope repair` appends it to a run
 * whose writer did not finish, right after its last whole batch.
 */
export function encodeFileTail(schema: Schema, blocks: IpcBlock[]): Uint8Array {
  const footer = Footer.encode(
    new Footer(
      schema,
      MetadataVersion.V5,
      blocks.map((b) => new FileBlock(b.metaDataLength, b.bodyLength, b.offset)),
      [],
    ),
  );
  const tail = new Uint8Array(8 + footer.byteLength + 10);
  const view = new DataView(tail.buffer);
  view.setInt32(0, -1, true);
  view.setInt32(4, 0, true);
  tail.set(footer, 8);
  view.setInt32(8 + footer.byteLength, footer.byteLength, true);
  for (let i = 0; i < 6; i++) tail[tail.byteLength - 6 + i] = FILE_MAGIC.charCodeAt(i);
  return tail;
}
