import { describe, expect, it } from "vitest";
import { offThreadBlobSources, serveRead, type ReadPort, type ReadRequest } from "./off-thread-reads";

const data = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 7) % 253);
const blob = new Blob([data]);

/** A read worker in this thread: serves each request a turn later, and records what it was sent. */
function fakeWorker() {
  const requests: ReadRequest[] = [];
  const port: ReadPort = {
    onmessage: null,
    onerror: null,
    postMessage(request) {
      requests.push({ ...request });
      setTimeout(
        () =>
          void serveRead(request, (reply) => port.onmessage?.({ data: reply } as MessageEvent<typeof reply>)),
      );
    },
  };
  return { port, requests };
}

describe("offThreadBlobSources", () => {
  it("reads through the read worker, which reuses the buffers handed back", async () => {
    const { port, requests } = fakeWorker();
    const source = offThreadBlobSources(() => port)(blob);
    expect(source.size).toBe(300_000);
    const first = await source.read(0, 100_000);
    expect(first).toEqual(data.subarray(0, 100_000));
    expect(requests[0].buffer).toBeUndefined();
    source.release!(first);
    const second = await source.read(100_000, 100_000);
    expect(second).toEqual(data.subarray(100_000, 200_000));
    expect(requests[1].buffer).toBe(first.buffer);
    expect(first.buffer.byteLength).toBe(0);
    // A buffer too small for a read is not used for it.
    source.release!(new Uint8Array(10));
    expect(await source.read(200_000, 100_000)).toEqual(data.subarray(200_000));
    expect(requests[2].buffer).toBeUndefined();
  });

  it("reads in this thread when the read worker cannot start or stops", async () => {
    const failing = offThreadBlobSources(() => {
      throw new Error("no workers here");
    })(blob);
    expect(await failing.read(5, 10)).toEqual(data.subarray(5, 15));

    const port: ReadPort = { onmessage: null, onerror: null, postMessage: () => undefined };
    const dying = offThreadBlobSources(() => port)(blob);
    const pending = dying.read(20, 30);
    port.onerror!(new Event("error") as ErrorEvent);
    expect(await pending).toEqual(data.subarray(20, 50));
    expect(await dying.read(60, 5)).toEqual(data.subarray(60, 65));
  });

  it("rejects a read the worker could not do with its message", async () => {
    const port: ReadPort = {
      onmessage: null,
      onerror: null,
      postMessage: (request) =>
        setTimeout(() => port.onmessage?.({ data: { id: request.id, error: "gone" } } as MessageEvent)),
    };
    await expect(offThreadBlobSources(() => port)(blob).read(0, 10)).rejects.toThrow("gone");
  });
});
