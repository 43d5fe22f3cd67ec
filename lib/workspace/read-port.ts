import type { ReadPort } from "./off-thread-reads";

/**
 * What the page tells a run worker before anything else: the port to a read worker it started beside it,
 * or that this read worker failed (its reads are then made in the run worker's thread).
 */
export type ReadPortMessage = { type: "read-port"; port: MessagePort } | { type: "read-port-failed" };

/** What the page tells the read worker it started: the port its requests come through. */
export interface ReadWorkerPort {
  port: MessagePort;
}

/** A read worker (read.worker.ts), started by the page or, when the page could not, by its run worker. */
export function spawnReadWorker(): Worker {
  return new Worker(new URL("./read.worker.ts", import.meta.url), { type: "module", name: "tickscope-read" });
}

/**
 * Starts a read worker (read.worker.ts) beside the run worker `run`, from the page, and gives `run` a port
 * to it. Started by the run worker instead, it could only start once the run worker's own code had loaded
 * and been evaluated (a nested worker starts when its parent's thread is free): ~0.1-0.2 s later on 2 busy
 * cores (bench/ui/profile-page-open.ts), on the path of a file chosen as the page opens. It ends with `run`.
 * When it cannot be started, `run` is told nothing and starts its own, as before.
 */
export function startReadWorkerBeside(run: Worker, spawn: () => Worker): void {
  let reader: Worker;
  try {
    reader = spawn();
  } catch {
    return;
  }
  const channel = new MessageChannel();
  reader.postMessage({ port: channel.port1 } satisfies ReadWorkerPort, [channel.port1]);
  run.postMessage({ type: "read-port", port: channel.port2 } satisfies ReadPortMessage, [channel.port2]);
  reader.onerror = () => run.postMessage({ type: "read-port-failed" } satisfies ReadPortMessage);
  const terminate = run.terminate.bind(run);
  run.terminate = () => {
    reader.terminate();
    terminate();
  };
}

/** The run worker's side of that port, as offThreadBlobSources reads through it; `fail` is the read worker's end. */
export function portReader(port: MessagePort): ReadPort & { fail(): void } {
  const reader: ReadPort & { fail(): void } = {
    onerror: null,
    get onmessage() {
      return port.onmessage as ReadPort["onmessage"];
    },
    set onmessage(handler) {
      port.onmessage = handler as MessagePort["onmessage"];
    },
    postMessage: (message, transfer) => port.postMessage(message, transfer),
    fail: () => reader.onerror?.({ message: "the read worker stopped" } as ErrorEvent),
  };
  return reader;
}
