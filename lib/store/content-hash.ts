import { createHash } from "node:crypto";
import type { WrittenFile } from "./write-chunks";

/**
 * What the server derives from a bundle (summaries, index, served manifest) changes with its code: a
 * new value here gives the same files a new blob instead of reusing one derived the old way.
 */
export const DERIVED_VERSION = 2;

/**
 * The content hash that names a blob: sha256 over the sorted list of (path, size, sha256 of the file),
 * and the derivation version. Two uploads holding the same files hash alike, however they were packed
 * (zip, deflate level, entry order).
 */
export function bundleContentHash(files: Map<string, WrittenFile>): string {
  const hash = createHash("sha256");
  hash.update(`tickscope-blob-v${DERIVED_VERSION}\n`);
  for (const path of [...files.keys()].sort()) {
    const file = files.get(path)!;
    hash.update(`${path}\0${file.size}\0${file.sha256}\n`);
  }
  return hash.digest("hex");
}
