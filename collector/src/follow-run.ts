import { open, type FileHandle } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { FILE_HEADER_BYTES, decodeMessage, decodePrefix } from "../../lib/format/arrow-ipc";
import { openRun } from "../../lib/format/run-reader";
import type { RunSummary, SummaryOptions } from "../../lib/summary";
import { checkpointPathFor } from "../../lib/summary/checkpoint-file";
import { summarizeWithCheckpoints, type CheckpointFigures } from "./summary-checkpoints";

/** What is read after the end-of-stream marker (the footer), per read. */
const TAIL_CHUNK_BYTES = 64 << 10;

/**
 * Reads a file that another process is still writing: `read` waits (polling every `pollMs`) until
 * `length` bytes from `position` have been written, or returns fewer once `finished()` says the writer
 * is done and the file ends before them.
 */
class GrowingFile {
  constructor(
    private readonly handle: FileHandle,
    private readonly finished: () => boolean,
    private readonly pollMs: number,
  ) {}

  async read(target: Uint8Array, position: number): Promise<number> {
    let have = 0;
    while (have < target.byteLength) {
      const done = this.finished();
      const { bytesRead } = await this.handle.read(target, have, target.byteLength - have, position + have);
      have += bytesRead;
      if (bytesRead === 0) {
        if (done) break;
        await sleep(this.pollMs);
      }
    }
    return have;
  }
}

/** A buffer grown to the largest message and reused for every one; growing keeps what it held. */
class ReusedBuffer {
  private bytes = new Uint8Array(1 << 16);
  take(length: number): Uint8Array {
    if (this.bytes.byteLength < length) {
      const grown = new Uint8Array(Math.max(length, 2 * this.bytes.byteLength));
      grown.set(this.bytes);
      this.bytes = grown;
    }
    return this.bytes.subarray(0, length);
  }
}

/**
 * The bytes of an Arrow IPC run file that another process is still writing, as they arrive: it waits for
 * the file to appear, then hands out its magic and each whole message (framing, metadata, body) as one
 * chunk, then what follows the end-of-stream marker (the footer), and ends once `finished()` says the
 * writer is done and everything is read (a message cut off by the writer's death ends it early, as it is).
 * A message's chunk is a view of one buffer that is reused for the next message: it is valid until the
 * next chunk is asked for. So following a run holds one message (one record batch) whatever its length.
 */
export async function* followFile(
  path: string,
  finished: () => boolean,
  pollMs = 100,
): AsyncGenerator<Uint8Array> {
  let handle = null;
  while (!handle) {
    const done = finished();
    handle = await open(path, "r").catch(() => null);
    if (!handle) {
      if (done) return;
      await sleep(pollMs);
    }
  }
  try {
    const file = new GrowingFile(handle, finished, pollMs);
    const buffer = new ReusedBuffer();
    let position = 0;
    const magic = new Uint8Array(FILE_HEADER_BYTES); // its own: a reader keeps it while reading on
    const got = await file.read(magic, position);
    if (got > 0) yield magic.subarray(0, got);
    position += got;
    if (got < FILE_HEADER_BYTES) return;
    for (;;) {
      const prefix = buffer.take(8);
      const framed = await file.read(prefix, position);
      const decoded = decodePrefix(prefix.subarray(0, framed));
      let length = framed;
      if (
        decoded &&
        decoded.framing === 8 &&
        decoded.metadataLength > 0 &&
        decoded.metadataLength < 1 << 26
      ) {
        const head = buffer.take(8 + decoded.metadataLength);
        length = 8 + (await file.read(head.subarray(8), position + 8));
        let bodyLength = 0;
        try {
          if (length === head.byteLength) bodyLength = Number(decodeMessage(head.subarray(8)).bodyLength);
        } catch {
          // not a message: handed on as it is, for the reader to name
        }
        if (bodyLength > 0) {
          const message = buffer.take(head.byteLength + bodyLength);
          length += await file.read(message.subarray(head.byteLength), position + head.byteLength);
        }
      }
      if (length > 0) yield buffer.take(length);
      position += length;
      // Past the end-of-stream marker, something that is not a message, or the end of a dead writer's file.
      const whole = decoded?.framing === 8 && decoded.metadataLength > 0 && decoded.metadataLength < 1 << 26;
      if (!whole || length < 8) break;
    }
    // The footer and the closing magic: small, read as they come.
    for (;;) {
      const chunk = new Uint8Array(TAIL_CHUNK_BYTES);
      const done = finished();
      const { bytesRead } = await handle.read(chunk, 0, TAIL_CHUNK_BYTES, position);
      if (bytesRead > 0) {
        position += bytesRead;
        yield chunk.subarray(0, bytesRead);
      } else if (done) return;
      else await sleep(pollMs);
    }
  } finally {
    await handle.close();
  }
}

/**
 * A run's summary computed while the sampler writes it (lib/summary, the same code every reader runs),
 * so that when the run ends the summary is ready without another pass over the file. A file the sampler
 * left without its footer is summarised up to its last whole batch, as every reader recovers it.
 * As it goes, the summary is checkpointed beside the run (summary-checkpoints.ts) for `tickscope repair`;
 * the checkpoint is removed when the run ends with its footer. The summary is for saving: its pyramid
 * holds level 0 alone (what is stored; loading rebuilds the levels above).
 */
export async function followRunSummary(
  path: string,
  name: string,
  options: SummaryOptions,
  finished: () => boolean,
  pollMs = 100,
  figures?: CheckpointFigures,
): Promise<RunSummary> {
  const run = await openRun(followFile(path, finished, pollMs), name, { followed: true });
  return summarizeWithCheckpoints(
    run.batches({ reuseTimestamps: true }),
    { ...options, test: options.test ?? run.header.test },
    { file: name, path: checkpointPathFor(path), keep: () => run.recovery() !== null },
    figures,
  );
}
