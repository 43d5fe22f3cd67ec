/**
 * A zip bundle read lazily, for the browser and the CLI: the central directory is read and checked by
 * zip-safety.ts (the reader the server uses too, ZIP64 included), and nothing is decompressed until an
 * entry is opened. A stored entry (no compression, what the collector should write for Arrow files) is
 * a random-access slice of the zip itself, so its batches can be fetched by footer offset; a deflated
 * entry is inflated as a stream (fflate), with its size checked against the limits as it grows.
 */
import { Inflate } from "fflate";
import type { BundleEntries } from "./bundle-entries";
import { toRandomAccess, type RandomAccessSource } from "./byte-source";
import { FormatError } from "./errors";
import { readZipEntries, type ZipEntry } from "./zip-safety";

export interface ZipLimits {
  /** Most entries a bundle may hold. Default 10,000. */
  maxEntries?: number;
  /** Largest uncompressed entry: opening a larger one fails (the rest of the bundle still opens). Default 16 GiB. */
  maxEntryBytes?: number;
  /** Largest sum of uncompressed entries. Default unlimited. */
  maxTotalBytes?: number;
}

export async function zipEntries(
  zip: Uint8Array | Blob | RandomAccessSource,
  file: string,
  limits: ZipLimits = {},
): Promise<BundleEntries & { skipped: string[] }> {
  const source = toRandomAccess(zip)!;
  const maxEntryBytes = limits.maxEntryBytes ?? 16 * 2 ** 30;
  const skipped: string[] = [];
  // Nothing is unpacked to disk here: entry sizes are checked when an entry is opened, and an
  // inflating entry is stopped at the limit, so the ratio checks the server needs do not apply.
  const listed = await readZipEntries(
    (offset, length) => source.read(offset, length),
    source.size,
    file,
    {
      maxEntries: limits.maxEntries ?? 10_000,
      maxEntryBytes: Infinity,
      maxUnpackedBytes: limits.maxTotalBytes ?? Infinity,
      maxExpansionRatio: Infinity,
      ratioExemptBytes: Infinity,
    },
    (name) => skipped.push(name),
  );
  const entries = new Map(listed.map((entry) => [entry.name, entry]));

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
      if (entry.method === 0) {
        const { size, dataOffset } = entry;
        return {
          size,
          read: (offset, length) =>
            source.read(dataOffset + offset, Math.max(0, Math.min(length, size - offset))),
        } satisfies RandomAccessSource;
      }
      return inflateEntry(source, entry, file, Math.min(maxEntryBytes, entry.size));
    },
  };
}

async function* inflateEntry(
  source: RandomAccessSource,
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
    const chunk = await source.read(entry.dataOffset + at, length);
    inflate.push(chunk, at + length >= entry.compressedSize);
    while (out.length) yield out.shift()!;
  }
  if (entry.compressedSize === 0) inflate.push(new Uint8Array(0), true);
  while (out.length) yield out.shift()!;
}
