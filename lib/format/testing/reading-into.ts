import { bytesSource, type RandomAccessSource } from "../byte-source";

/** Bytes as a source that reads into the caller's buffer (as a file on disk does). */
export function readingInto(bytes: Uint8Array): RandomAccessSource {
  const source = bytesSource(bytes);
  return {
    ...source,
    readInto: async (offset, target) => {
      const got = await source.read(offset, target.byteLength);
      target.set(got);
      return target.subarray(0, got.byteLength);
    },
  };
}
