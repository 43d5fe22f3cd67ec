import type { RandomAccessSource } from "../format/byte-source";

/**
 * A source that, after each read, starts reading the next stretch of the same length, so that a front-to-
 * back pass (the summary) overlaps file I/O (`Blob.slice().arrayBuffer()`, HTTP Range) with the work on
 * the bytes it already has. Reads elsewhere go straight to the source.
 */
export function readAhead(source: RandomAccessSource): RandomAccessSource {
  let ahead: { offset: number; length: number; bytes: Promise<Uint8Array> } | null = null;
  const prefetch = (offset: number, length: number) => {
    if (offset >= source.size || length <= 0) {
      ahead = null;
      return;
    }
    const bytes = source.read(offset, length);
    bytes.catch(() => undefined);
    ahead = { offset, length, bytes };
  };
  return {
    size: source.size,
    async read(offset, length) {
      const hit =
        ahead && offset >= ahead.offset && offset + length <= ahead.offset + ahead.length ? ahead : null;
      let bytes: Uint8Array;
      if (hit) {
        const all = await hit.bytes;
        bytes = all.subarray(offset - hit.offset, Math.min(all.byteLength, offset - hit.offset + length));
      } else bytes = await source.read(offset, length);
      // Small reads (headers, the footer) do not predict the next one; batches do.
      if (length >= 64 * 1024 && (!hit || offset + length > hit.offset + hit.length - length))
        prefetch(offset + length, Math.max(length, hit ? hit.length : 0));
      return bytes;
    },
  };
}
