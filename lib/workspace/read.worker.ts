/// <reference lib="webworker" />
import { serveRead, type ReadRequest } from "./off-thread-reads";

declare const self: DedicatedWorkerGlobalScope;

/** A read worker: reads byte ranges of Blobs for a run worker and hands them over (transferred, no copy). */
self.onmessage = (event: MessageEvent<ReadRequest>) =>
  void serveRead(event.data, (reply, transfer) => self.postMessage(reply, transfer));
