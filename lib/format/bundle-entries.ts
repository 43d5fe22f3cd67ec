import type { RandomAccessSource } from "./byte-source";

/** The files of a bundle, wherever they are: a zip, a folder (Node), or a list of browser Files. */
export interface BundleEntries {
  /** '/'-separated paths relative to the bundle's root. */
  names(): string[];
  /** Uncompressed size, when known. */
  size(name: string): number | undefined;
  /** The entry's bytes as a random-access source, or null when there is no such entry. */
  open(name: string): Promise<RandomAccessSource | AsyncIterable<Uint8Array> | null>;
  close?(): Promise<void>;
}
