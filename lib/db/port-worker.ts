/**
 * What DuckDB-WASM's AsyncDuckDB needs of its worker (postMessage, message/error listeners, terminate),
 * over a SharedWorker's port. The engine's own messages (`tickscope:…`: its state, a failed start) go to
 * `control` instead, so DuckDB never sees an answer it did not ask for.
 */
export class PortWorker extends EventTarget {
  readonly control = new EventTarget();

  constructor(
    private readonly port: MessagePort,
    errors?: EventTarget,
  ) {
    super();
    port.addEventListener("message", (event) => {
      const data = (event as MessageEvent).data as { type?: unknown } | null;
      const own = typeof data?.type === "string" && data.type.startsWith("tickscope:");
      (own ? this.control : this).dispatchEvent(new MessageEvent("message", { data }));
    });
    errors?.addEventListener("error", (event) =>
      this.dispatchEvent(
        Object.assign(new Event("error"), {
          message: (event as ErrorEvent).message || "the shared engine's script could not be loaded",
        }),
      ),
    );
    port.start();
  }

  postMessage(message: unknown, transfer: Transferable[] = []): void {
    this.port.postMessage(message, transfer);
  }

  /** Leaves the engine (it lives on for this tab's next page); a failed start is ended by closing the port too. */
  terminate(): void {
    this.port.close();
  }
}
