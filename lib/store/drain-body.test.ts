import { describe, expect, it } from "vitest";
import { drainRefusedBody } from "./drain-body";

const bounds = { maxBytes: 1000, maxMs: 200 };

/** A request whose body sends `chunks` of `size` bytes, `gapMs` apart; `pulled` counts the bytes read. */
function sending(chunks: number, size: number, gapMs = 0, declared?: number) {
  const state = { pulled: 0, cancelled: false };
  let sent = 0;
  const body = new ReadableStream<Uint8Array<ArrayBuffer>>({
    async pull(controller) {
      if (sent === chunks) return controller.close();
      if (gapMs) await new Promise((r) => setTimeout(r, gapMs));
      sent++;
      state.pulled += size;
      controller.enqueue(new Uint8Array(size));
    },
    cancel() {
      state.cancelled = true;
    },
  });
  const headers = new Headers(declared === undefined ? {} : { "content-length": String(declared) });
  return { request: { body, bodyUsed: false, headers }, state };
}

describe("drainRefusedBody", () => {
  it("reads the rest of a body within the bound, so the connection can be kept", async () => {
    const { request, state } = sending(9, 100, 5, 900);
    expect(await drainRefusedBody(request, bounds)).toBe(true);
    expect(state.pulled).toBe(900);
    expect(state.cancelled).toBe(false);
  });

  it("gives up on a body larger than the bound, without reading it when its length says so", async () => {
    const declared = sending(20, 100, 0, 2000);
    expect(await drainRefusedBody(declared.request, bounds)).toBe(false);
    // Not read: no reader was taken (the stream's own first pull aside).
    expect(declared.request.body.locked).toBe(false);
    expect(declared.state.pulled).toBeLessThanOrEqual(100);
    const undeclared = sending(20, 100);
    expect(await drainRefusedBody(undeclared.request, bounds)).toBe(false);
    expect(undeclared.state.pulled).toBeLessThanOrEqual(1100 + 100);
    expect(undeclared.state.cancelled).toBe(true);
  });

  it("gives up on a body that does not end in time", async () => {
    const { request, state } = sending(1000, 1, 50);
    const started = Date.now();
    expect(await drainRefusedBody(request, bounds)).toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(state.cancelled).toBe(true);
  });

  it("leaves a body already read or being read, and has nothing to do without one", async () => {
    const used = sending(1, 10);
    expect(await drainRefusedBody({ ...used.request, bodyUsed: true }, bounds)).toBe(false);
    const locked = sending(1, 10);
    locked.request.body.getReader();
    expect(await drainRefusedBody(locked.request, bounds)).toBe(false);
    expect(await drainRefusedBody({ body: null, bodyUsed: false, headers: new Headers() }, bounds)).toBe(true);
  });
});
