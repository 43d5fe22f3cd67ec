/// <reference lib="webworker" />
import { serveRead, type ReadRequest } from "./off-thread-reads";
import type { ReadWorkerPort } from "./read-port";

declare const self: DedicatedWorkerGlobalScope;

/** Serves the read requests that come through `from`, replying there. */
const serving =
  (from: { postMessage(message: unknown, transfer: Transferable[]): void }) =>
  (event: MessageEvent<ReadRequest>) =>
    void serveRead(event.data, (reply, transfer) => from.postMessage(reply, transfer));

/**
 * A read worker: reads byte ranges of Blobs for a run worker and hands them over (transferred, no copy).
 * Started by the page, it is first given the port its run worker asks through; started by a run worker,
 * it is asked directly.
 */
self.onmessage = (event: MessageEvent<ReadRequest | ReadWorkerPort>) => {
  const { data } = event;
  if ("port" in data) {
    data.port.onmessage = serving(data.port);
    self.onmessage = null;
    return;
  }
  serving(self)(event as MessageEvent<ReadRequest>);
};
