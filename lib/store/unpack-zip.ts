import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { crc32, createInflateRaw } from "node:zlib";
import { FormatError } from "../format/errors";
import { readZipEntries, type ZipEntry } from "../format/zip-safety";
import { RATIO_EXEMPT_BYTES, type UploadLimits } from "./limits";

/** Lists and checks the entries of a zip file on disk (see lib/format/zip-safety.ts). */
export async function listZipFile(
  path: string,
  size: number,
  file: string,
  limits: UploadLimits,
): Promise<ZipEntry[]> {
  const handle = await open(path, "r");
  try {
    const read = async (offset: number, length: number) => {
      const buffer = Buffer.alloc(Math.max(0, Math.min(length, size - offset)));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
      return buffer.subarray(0, bytesRead);
    };
    return await readZipEntries(read, size, file, { ...limits, ratioExemptBytes: RATIO_EXEMPT_BYTES });
  } finally {
    await handle.close();
  }
}

/**
 * An entry's unpacked bytes, chunk by chunk, checked as they come: never more than the size its header
 * declares (so a lying header cannot inflate past it), and at the end the exact size and CRC-32.
 */
export async function* zipEntryChunks(
  zipPath: string,
  entry: ZipEntry,
  file: string,
): AsyncGenerator<Uint8Array> {
  const fail = (found: string): never => {
    throw new FormatError({
      file,
      field: entry.name,
      expected: `${entry.size} bytes with CRC-32 ${entry.crc32}`,
      found,
    });
  };
  if (entry.compressedSize === 0) {
    if (entry.size !== 0) fail("no data");
    if (entry.crc32 !== 0) fail("an empty entry with a non-zero CRC");
    return;
  }
  const raw = createReadStream(zipPath, {
    start: entry.dataOffset,
    end: entry.dataOffset + entry.compressedSize - 1,
    highWaterMark: 1 << 20,
  });
  const source = entry.method === 8 ? raw.pipe(createInflateRaw({ chunkSize: 1 << 20 })) : raw;
  let length = 0;
  let crc = 0;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      length += chunk.length;
      if (length > entry.size) fail("more data than that (the header lies: a zip bomb?)");
      crc = crc32(chunk, crc);
      yield chunk;
    }
  } catch (error) {
    if (error instanceof FormatError) throw error;
    if ((error as NodeJS.ErrnoException).code?.startsWith("Z_"))
      fail(`corrupt deflate data (${(error as Error).message})`);
    throw error;
  } finally {
    raw.destroy();
    if (source !== raw) source.destroy();
  }
  if (length !== entry.size) fail(`${length} bytes`);
  if (crc >>> 0 !== entry.crc32 >>> 0) fail(`CRC-32 ${crc >>> 0}: the entry is damaged`);
}
