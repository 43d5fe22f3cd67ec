/** The worker thread that checks and summarizes uploaded runs while they arrive (see summary-thread.ts). */
import { parentPort } from "node:worker_threads";
import { ChunkQueue, summarizeStreamedRun } from "./streamed-summary";
import type { ToWorker } from "./summary-thread";

const port = parentPort!;
const queues = new Map<number, ChunkQueue>();

port.on("message", (message: ToWorker) => {
  const { id } = message;
  if (message.kind === "start") {
    const queue = new ChunkQueue((bytes) => port.postMessage({ kind: "consumed", id, bytes }));
    queues.set(id, queue);
    void summarizeStreamedRun(queue, message.file, message.test)
      .catch(() => null)
      .then((summary) => {
        queue.discard();
        queues.delete(id);
        port.postMessage(
          { kind: "done", id, summary },
          summary ? [summary.encoded.buffer as ArrayBuffer] : [],
        );
      });
  } else if (message.kind === "chunk") queues.get(id)?.push(message.bytes);
  else if (message.kind === "end") queues.get(id)?.end();
  else queues.get(id)?.discard();
});
