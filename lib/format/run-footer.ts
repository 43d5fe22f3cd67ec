/**
 * The file format's footer (schema and record batch blocks): read through random access, or checked at
 * the end of a file read front to back against what was read.
 */
import type { Schema } from "apache-arrow";
import { Footer } from "apache-arrow/ipc/metadata/file";
import { FILE_HEADER_BYTES, startsWithMagic, type IpcBlock } from "./arrow-ipc";
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
 * through the footer (File.slice, HTTP Range) finds the batches that were checked. False when there is
 * no whole footer (its writer did not finish: the run is recovered); a footer that disagrees is an error.
 */
export async function checkStreamedFooter(
  file: string,
  reader: SequentialReader,
  schema: Schema,
  read: IpcBlock[],
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
  return true;
}
