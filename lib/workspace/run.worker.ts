/// <reference lib="webworker" />
import { offThreadBlobSources } from "./off-thread-reads";
import type { FromWorker, ToWorker } from "./protocol";
import { portReader, spawnReadWorker, type ReadPortMessage } from "./read-port";
import { RunHost } from "./run-host";

declare const self: DedicatedWorkerGlobalScope;

const post = (message: FromWorker, transfer?: Transferable[]) => self.postMessage(message, transfer ?? []);

/**
 * A run worker: opens the jobs it is given, summarises their runs and answers window queries on them. Its
 * reads go through a read worker: the one the page started beside it when its first message is that port
 * (read-port.ts), else one it starts itself.
 */
let host: RunHost | null = null;
let pageReader: ReturnType<typeof portReader> | null = null;
self.onmessage = (event: MessageEvent<ToWorker | ReadPortMessage>) => {
  const message = event.data;
  if (message.type === "read-port") {
    if (host) return;
    const reader = portReader(message.port);
    pageReader = reader;
    host = new RunHost(
      post,
      offThreadBlobSources(() => reader),
    );
    return;
  }
  if (message.type === "read-port-failed") {
    pageReader?.fail();
    return;
  }
  host ??= new RunHost(post, offThreadBlobSources(spawnReadWorker));
  host.handle(message);
};
