import type { RandomAccessSource } from "../format/byte-source";

/** Reads of at least this many bytes are a pass's record batches; smaller ones (headers, footer) predict nothing. */
const SEQUENTIAL_READ = 64 * 1024;

interface Ahead {
  offset: number;
  length: number;
  bytes: Promise<Uint8Array>;
}

/**
 * A source that, after each large read, keeps the next `depth` stretches of the same length on the way,
 * so that a front-to-back pass (the summary) overlaps file I/O (a read worker's Blob reads, HTTP Range)
 * with the work on the bytes it already has. Reads elsewhere go straight to the source. With
 * `readReused`, the bytes handed out last time go back to the source (`release`) for its next reads.
 */
export function readAhead(source: RandomAccessSource, depth = 3): RandomAccessSource {
  let ahead: Ahead[] = [];
  let lent: Uint8Array | null = null;
  const release = (bytes: Uint8Array) => source.release?.(bytes);
  const drop = (entries: Ahead[]) => {
    for (const entry of entries) entry.bytes.then(release, () => undefined);
  };
  const read = async (offset: number, length: number): Promise<Uint8Array> => {
    const at = ahead.findIndex((a) => offset >= a.offset && offset + length <= a.offset + a.length);
    const hit = at < 0 ? null : ahead[at];
    const now = hit ? hit.bytes : source.read(offset, length);
    if (length >= SEQUENTIAL_READ) {
      // What lies before the hit will not be asked for; a large miss starts a new pass.
      drop(hit ? ahead.slice(0, at) : ahead);
      ahead = hit ? ahead.slice(at + 1) : [];
      const step = Math.max(length, hit ? hit.length : 0);
      const last = ahead.at(-1);
      let next = last ? last.offset + last.length : offset + length;
      while (ahead.length < depth && next < source.size) {
        const bytes = source.read(next, step);
        bytes.catch(() => undefined);
        ahead.push({ offset: next, length: step, bytes });
        next += step;
      }
    }
    const bytes = await now;
    if (!hit) return bytes;
    return bytes.subarray(offset - hit.offset, Math.min(bytes.byteLength, offset - hit.offset + length));
  };
  return {
    size: source.size,
    read,
    async readReused(offset, length) {
      if (lent) release(lent);
      lent = null;
      const bytes = await read(offset, length);
      lent = bytes;
      return bytes;
    },
  };
}
