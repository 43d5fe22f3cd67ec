import { createHash } from "node:crypto";
import { constants } from "node:fs";
import { mkdir, open } from "node:fs/promises";
import { dirname, resolve, sep } from "node:path";

export interface WrittenFile {
  size: number;
  sha256: string;
}

/**
 * Writes chunks to a new file under `root` (never over an existing file, never through a link) and
 * hashes them on the way. `onChunk` sees every chunk after it is written.
 */
export async function writeChunks(
  root: string,
  relativePath: string,
  chunks: AsyncIterable<Uint8Array>,
): Promise<WrittenFile> {
  const target = resolve(root, relativePath);
  if (!target.startsWith(resolve(root) + sep))
    throw new Error(`refusing to write outside ${root}: ${relativePath}`);
  await mkdir(dirname(target), { recursive: true });
  const handle = await open(
    target,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
    0o644,
  );
  const hash = createHash("sha256");
  let size = 0;
  try {
    for await (const chunk of chunks) {
      hash.update(chunk);
      size += chunk.length;
      let written = 0;
      while (written < chunk.length) {
        const { bytesWritten } = await handle.write(chunk, written, chunk.length - written);
        written += bytesWritten;
      }
    }
  } finally {
    await handle.close();
  }
  return { size, sha256: hash.digest("hex") };
}

/** Passes chunks through until more than `maxBytes` have gone by, then calls `tooLarge` (which throws). */
export async function* limitBytes(
  chunks: AsyncIterable<Uint8Array>,
  maxBytes: number,
  tooLarge: (seen: number) => never,
): AsyncGenerator<Uint8Array> {
  let seen = 0;
  for await (const chunk of chunks) {
    seen += chunk.length;
    if (seen > maxBytes) tooLarge(seen);
    yield chunk;
  }
}
