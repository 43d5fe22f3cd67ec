import { createHash } from "node:crypto";
import type { WrittenFile } from "./write-chunks";

/**
 * The content hash that names a blob: sha256 over the sorted list of (path, size, sha256 of the file).
 * Two uploads holding the same files hash alike, however they were packed (zip, deflate level, order).
 */
export function bundleContentHash(files: Map<string, WrittenFile>): string {
  const hash = createHash("sha256");
  for (const path of [...files.keys()].sort()) {
    const file = files.get(path)!;
    hash.update(`${path}\0${file.size}\0${file.sha256}\n`);
  }
  return hash.digest("hex");
}
