import { describe, expect, it } from "vitest";
import { PortWorker } from "./port-worker";

const nextMessage = (target: EventTarget) =>
  new Promise<unknown>((resolve) =>
    target.addEventListener("message", (event) => resolve((event as MessageEvent).data), { once: true }),
  );

describe("a SharedWorker's port as DuckDB-WASM's worker", () => {
  it("carries DuckDB's messages both ways and keeps the engine's own messages from DuckDB", async () => {
    const { port1: page, port2: engine } = new MessageChannel();
    const worker = new PortWorker(page);
    const seen: unknown[] = [];
    worker.addEventListener("message", (event) => seen.push((event as MessageEvent).data));

    const asked = nextMessage(engine);
    engine.start();
    worker.postMessage({ messageId: 7, type: "PING" });
    expect(await asked).toEqual({ messageId: 7, type: "PING" });

    const control = nextMessage(worker.control);
    engine.postMessage({ type: "tickscope:duckdb-engine-state", state: "instantiated" });
    expect(await control).toEqual({ type: "tickscope:duckdb-engine-state", state: "instantiated" });
    const answer = nextMessage(worker);
    engine.postMessage({ messageId: 0, requestId: 7, type: "OK", data: null });
    expect(await answer).toEqual({ messageId: 0, requestId: 7, type: "OK", data: null });
    expect(seen).toEqual([{ messageId: 0, requestId: 7, type: "OK", data: null }]);
    worker.terminate();
    engine.close();
  });

  it("passes transferred buffers and reports the SharedWorker's error as its own", async () => {
    const { port1: page, port2: engine } = new MessageChannel();
    const shared = new EventTarget();
    const worker = new PortWorker(page, shared);
    const buffer = new Uint8Array([1, 2, 3]).buffer;
    const asked = nextMessage(engine);
    engine.start();
    worker.postMessage({ data: buffer }, [buffer]);
    expect(new Uint8Array(((await asked) as { data: ArrayBuffer }).data)).toEqual(new Uint8Array([1, 2, 3]));
    expect(buffer.byteLength).toBe(0);

    const failed = new Promise<string>((resolve) =>
      worker.addEventListener("error", (event) => resolve((event as ErrorEvent).message)),
    );
    shared.dispatchEvent(new Event("error"));
    expect(await failed).toBe("the shared engine's script could not be loaded");
    worker.terminate();
    engine.close();
  });
});
