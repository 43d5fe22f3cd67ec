/**
 * A zip bundle read lazily from its central directory: nothing is decompressed until an entry is
 * opened. A stored entry (no compression, what the collector should write for Arrow files) is a
 * random-access slice of the zip itself, so its batches can be fetched by footer offset; a deflated
 * entry is inflated as a stream (fflate), with its size checked against the limits as it grows.
 */
import { Inflate } from "fflate";
import type { BundleEntries } from "./bundle-entries";
import { toRandomAccess, type RandomAccessSource } from "./byte-source";
import { FormatError } from "./errors";

export interface ZipLimits {
  /** Most entries a bundle may hold. Default 10,000. */
  maxEntries?: number;
  /** Largest uncompressed entry. Default 16 GiB. */
  maxEntryBytes?: number;
  /** Largest sum of uncompressed entries. Default unlimited. */
  maxTotalBytes?: number;
}

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localHeader: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

function safeName(name: string): boolean {
  return !name.startsWith("/") && !name.includes("\\") && !name.split("/").some((part) => part === "..");
}

export async function zipEntries(
  zip: Uint8Array | Blob | RandomAccessSource,
  file: string,
  limits: ZipLimits = {},
): Promise<BundleEntries & { skipped: string[] }> {
  const source = toRandomAccess(zip)!;
  const maxEntries = limits.maxEntries ?? 10_000;
  const maxEntryBytes = limits.maxEntryBytes ?? 16 * 2 ** 30;
  const tailLength = Math.min(source.size, 65_557);
  const tail = await source.read(source.size - tailLength, tailLength);
  const tv = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  let eocd = -1;
  for (let i = tail.byteLength - 22; i >= 0; i--) {
    if (tv.getUint32(i, true) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new FormatError({ file, expected: "a zip file (no end of central directory found)" });
  const count = tv.getUint16(eocd + 10, true);
  const cdSize = tv.getUint32(eocd + 12, true);
  const cdOffset = tv.getUint32(eocd + 16, true);
  if (count === 0xffff || cdOffset === 0xffffffff)
    throw new FormatError({
      file,
      expected: "a zip without ZIP64 extensions (under 4 GiB and 65,535 entries)",
    });
  if (count > maxEntries)
    throw new FormatError({ file, expected: `at most ${maxEntries} entries`, found: `${count}` });
  const cd = await source.read(cdOffset, cdSize);
  const cv = new DataView(cd.buffer, cd.byteOffset, cd.byteLength);
  const entries = new Map<string, ZipEntry>();
  const skipped: string[] = [];
  let total = 0;
  let at = 0;
  const decoder = new TextDecoder();
  for (let i = 0; i < count; i++) {
    if (at + 46 > cd.byteLength || cv.getUint32(at, true) !== CENTRAL)
      throw new FormatError({
        file,
        expected: "a readable zip central directory",
        found: `entry ${i} damaged`,
      });
    const nameLength = cv.getUint16(at + 28, true);
    const entry: ZipEntry = {
      method: cv.getUint16(at + 10, true),
      compressedSize: cv.getUint32(at + 20, true),
      size: cv.getUint32(at + 24, true),
      localHeader: cv.getUint32(at + 42, true),
      name: decoder.decode(cd.subarray(at + 46, at + 46 + nameLength)),
    };
    at += 46 + nameLength + cv.getUint16(at + 30, true) + cv.getUint16(at + 32, true);
    if (entry.name.endsWith("/")) continue;
    if (!safeName(entry.name)) {
      skipped.push(entry.name);
      continue;
    }
    total += entry.size;
    if (limits.maxTotalBytes !== undefined && total > limits.maxTotalBytes)
      throw new FormatError({
        file,
        expected: `at most ${limits.maxTotalBytes} bytes uncompressed`,
        found: `more`,
      });
    entries.set(entry.name, entry);
  }

  async function dataStart(entry: ZipEntry): Promise<number> {
    const header = await source.read(entry.localHeader, 30);
    const hv = new DataView(header.buffer, header.byteOffset, header.byteLength);
    if (header.byteLength < 30 || hv.getUint32(0, true) !== LOCAL)
      throw new FormatError({ file, field: entry.name, expected: "a zip local header" });
    return entry.localHeader + 30 + hv.getUint16(26, true) + hv.getUint16(28, true);
  }

  return {
    skipped,
    names: () => [...entries.keys()],
    size: (name) => entries.get(name)?.size,
    async open(name) {
      const entry = entries.get(name);
      if (!entry) return null;
      if (entry.size > maxEntryBytes)
        throw new FormatError({
          file,
          field: name,
          expected: `an entry of at most ${maxEntryBytes} bytes`,
          found: `${entry.size}`,
        });
      const start = await dataStart(entry);
      if (entry.method === 0) {
        const size = entry.size;
        return {
          size,
          read: (offset, length) => source.read(start + offset, Math.max(0, Math.min(length, size - offset))),
        } satisfies RandomAccessSource;
      }
      if (entry.method !== 8)
        throw new FormatError({
          file,
          field: name,
          expected: "a stored or deflated zip entry",
          found: `method ${entry.method}`,
        });
      return inflateEntry(source, start, entry, file, Math.min(maxEntryBytes, entry.size));
    },
  };
}

async function* inflateEntry(
  source: RandomAccessSource,
  start: number,
  entry: ZipEntry,
  file: string,
  limit: number,
): AsyncGenerator<Uint8Array> {
  const out: Uint8Array[] = [];
  let produced = 0;
  const inflate = new Inflate((chunk) => {
    produced += chunk.byteLength;
    if (produced > limit)
      throw new FormatError({
        file,
        field: entry.name,
        expected: `at most ${limit} bytes when inflated`,
        found: "more",
      });
    out.push(chunk);
  });
  const step = 1 << 20;
  for (let at = 0; at < entry.compressedSize; at += step) {
    const length = Math.min(step, entry.compressedSize - at);
    const chunk = await source.read(start + at, length);
    inflate.push(chunk, at + length >= entry.compressedSize);
    while (out.length) yield out.shift()!;
  }
  if (entry.compressedSize === 0) inflate.push(new Uint8Array(0), true);
  while (out.length) yield out.shift()!;
}
