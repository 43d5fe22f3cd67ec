/// <reference lib="webworker" />
import { offThreadBlobSources } from "./off-thread-reads";
import type { FromWorker, ToWorker } from "./protocol";
import { RunHost } from "./run-host";

declare const self: DedicatedWorkerGlobalScope;

/** A run worker: opens the jobs it is given, summarises their runs and answers window queries on them. */
const host = new RunHost(
  (message: FromWorker, transfer?: Transferable[]) => self.postMessage(message, transfer ?? []),
  offThreadBlobSources(
    () =>
      new Worker(new URL("./read.worker.ts", import.meta.url), { type: "module", name: "tickscope-read" }),
  ),
);
self.onmessage = (event: MessageEvent<ToWorker>) => host.handle(event.data);
