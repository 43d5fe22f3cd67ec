/** The worker thread that checks and summarizes uploaded runs (see summary-thread.ts). */
import { parentPort } from "node:worker_threads";
import { ChunkQueue, summarizeStreamedRun, type StreamedSummary } from "./streamed-summary";
import type { ToWorker } from "./summary-thread";
import { zipEntryChunks } from "./unpack-zip";

const port = parentPort!;
const queues = new Map<number, ChunkQueue>();
const stops = new Map<number, () => void>();
let zipJobs: Promise<unknown> = Promise.resolve();

function finish(id: number, summary: Promise<StreamedSummary | null>) {
  void summary
    .catch(() => null)
    .then((result) => {
      stops.get(id)?.();
      stops.delete(id);
      queues.delete(id);
      port.postMessage(
        { kind: "done", id, summary: result },
        result ? [result.encoded.buffer as ArrayBuffer] : [],
      );
    });
}

/** A zip entry's bytes read from the archive on disk, until the job is stopped. */
async function* entryChunks(message: Extract<ToWorker, { kind: "zip-entry" }>, stopped: () => boolean) {
  for await (const chunk of zipEntryChunks(message.zipPath, message.entry, message.upload)) {
    if (stopped()) return;
    yield chunk;
  }
}

port.on("message", (message: ToWorker) => {
  const { id } = message;
  if (message.kind === "start") {
    const queue = new ChunkQueue((bytes) => port.postMessage({ kind: "consumed", id, bytes }));
    queues.set(id, queue);
    stops.set(id, () => queue.discard());
    // Buffers copied out are sent back for the request's thread to write into again.
    const recycle = (chunk: Uint8Array) => {
      if (chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength)
        port.postMessage({ kind: "recycle", buffer: chunk.buffer }, [chunk.buffer as ArrayBuffer]);
    };
    finish(id, summarizeStreamedRun(queue, message.file, message.test, recycle));
  } else if (message.kind === "zip-entry") {
    // One at a time: a bundle of many runs holds one run's buffers, not all of them.
    let stopped = false;
    stops.set(id, () => (stopped = true));
    const job = zipJobs.then(() =>
      summarizeStreamedRun(
        entryChunks(message, () => stopped),
        message.entry.name,
        undefined,
      ),
    );
    zipJobs = job.catch(() => null);
    finish(id, job);
  } else if (message.kind === "chunk") queues.get(id)?.push(message.bytes);
  else if (message.kind === "end") queues.get(id)?.end();
  else stops.get(id)?.();
});
