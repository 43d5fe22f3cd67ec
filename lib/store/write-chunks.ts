import { createHash } from "node:crypto";
import { constants } from "node:fs";
import { mkdir, open, type FileHandle } from "node:fs/promises";
import { dirname, resolve, sep } from "node:path";

const WRITE_BYTES = 4 << 20;
/** Write buffers kept for reuse: fresh 4 MiB buffers cost page faults, and collecting them GC time. */
const spare: ArrayBuffer[] = [];
const MAX_SPARE = 16;

/** Gives back a write buffer nothing refers to any more (one the summary worker is done with). */
export function recycleWriteBuffer(buffer: ArrayBuffer): void {
  if (buffer.byteLength === WRITE_BYTES && spare.length < MAX_SPARE) spare.push(buffer);
}

function writeBuffer(): Buffer {
  const reused = spare.pop();
  return reused ? Buffer.from(reused) : Buffer.allocUnsafe(WRITE_BYTES);
}

async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, written, bytes.length - written);
    written += bytesWritten;
  }
}

export interface WrittenFile {
  size: number;
  sha256: string;
}

/**
 * Given the file's bytes in order once they are written, in buffers it owns from then on (it may
 * transfer them to a worker). The writer waits for the promise it returns before writing more.
 */
export type WrittenTap = (written: Uint8Array) => void | Promise<void>;

/**
 * Writes chunks to a new file under `root` (never over an existing file, never through a link) and
 * hashes them on the way; `tap`, if given, sees every byte after it is written.
 */
export async function writeChunks(
  root: string,
  relativePath: string,
  chunks: AsyncIterable<Uint8Array>,
  tap?: WrittenTap,
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
  // Request bodies arrive in small chunks (64 KiB): gather them into large writes, and let the next
  // chunks arrive while one write is in flight, so the disk and the socket overlap.
  let buffer = writeBuffer();
  let filled = 0;
  let inFlight: Promise<void> = Promise.resolve();
  const flush = async () => {
    if (filled === 0) return;
    const full = buffer.subarray(0, filled);
    await inFlight;
    inFlight = writeAll(handle, full).then(() =>
      tap ? tap(full) : recycleWriteBuffer(full.buffer as ArrayBuffer),
    );
    buffer = writeBuffer();
    filled = 0;
  };
  try {
    for await (const chunk of chunks) {
      hash.update(chunk);
      size += chunk.length;
      if (chunk.length >= WRITE_BYTES) {
        await flush();
        await inFlight;
        await writeAll(handle, chunk); // not in flight: the source may reuse a large chunk's memory
        await tap?.(chunk.slice());
        continue;
      }
      if (filled + chunk.length > WRITE_BYTES) await flush();
      buffer.set(chunk, filled);
      filled += chunk.length;
    }
    await flush();
    await inFlight;
  } finally {
    await inFlight.catch(() => {});
    await handle.close();
    recycleWriteBuffer(buffer.buffer as ArrayBuffer); // the one begun after the last flush
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
