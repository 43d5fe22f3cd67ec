/**
 * Where the run worker's bytes come from: picked Files (read in a read worker), URLs (HTTP Range), a
 * bundle folder given as sources, a bundle entry, and a source that counts what is read through it.
 */
import type { BundleEntries } from "../format/bundle-entries";
import type { Bundle } from "../format/bundle-reader";
import { blobSource, bytesSource, readAllBytes, type RandomAccessSource } from "../format/byte-source";
import { FormatError } from "../format/errors";
import { openUrlSource } from "./http-source";
import { renewingUrl } from "./url-renewal";
import type { ByteSource } from "./sources";

/** A Blob as a random-access source: read in this thread unless the worker gives a better way. */
export type BlobSourceFactory = (blob: Blob) => RandomAccessSource;

/** A bundle folder given as byte sources (picked Files or URLs), its top folder stripped from the paths. */
export function sourceEntries(files: ByteSource[], blobs: BlobSourceFactory): BundleEntries {
  const tops = new Set(files.map((f) => (f.name.includes("/") ? f.name.split("/")[0] : "")));
  const strip = tops.size === 1 && !tops.has("") ? [...tops][0].length + 1 : 0;
  const byName = new Map(files.map((f) => [f.name.slice(strip), f]));
  return {
    names: () => [...byName.keys()],
    size: (name) => byName.get(name)?.size,
    open: async (name) => {
      const file = byName.get(name);
      return file ? randomAccess(file, blobs) : null;
    },
  };
}

export async function randomAccessOf(
  opened: Awaited<ReturnType<Bundle["open"]>>,
  file: string,
): Promise<RandomAccessSource> {
  if (!opened) throw new FormatError({ file, expected: "a file that is in the bundle" });
  if ("read" in opened) return opened;
  // A deflated zip entry streams; raw windows need random access, so it is inflated once into memory.
  return bytesSource(await readAllBytes(opened));
}

export function baseName(path: string): string {
  const name = path.slice(path.lastIndexOf("/") + 1);
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(0, dot) : name;
}

/** A source that counts the bytes read through it, for the progress bar. */
export function counting(source: RandomAccessSource, onRead: (bytes: number) => void): RandomAccessSource {
  const countedRead =
    (read: (offset: number, length: number) => Promise<Uint8Array>) =>
    async (offset: number, length: number) => {
      const bytes = await read(offset, length);
      onRead(bytes.byteLength);
      return bytes;
    };
  const { readReused, release } = source;
  return {
    size: source.size,
    read: countedRead((offset, length) => source.read(offset, length)),
    readReused: readReused && countedRead(readReused.bind(source)),
    release: release?.bind(source),
  };
}

export async function randomAccess(
  source: ByteSource,
  blobs: BlobSourceFactory = blobSource,
): Promise<RandomAccessSource> {
  if (typeof source.read === "string")
    return openUrlSource(source.renew ? renewingUrl(source.read, source.renew) : source.read, source.size);
  return blobs(source.read);
}
