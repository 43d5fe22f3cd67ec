import { describe, expect, it } from "vitest";
import { offThreadBlobSources, serveRead, type ReadRequest } from "./off-thread-reads";
import { portReader, startReadWorkerBeside, type ReadPortMessage, type ReadWorkerPort } from "./read-port";

const data = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 11) % 251);
const blob = new Blob([data]);

/** A stand-in Worker: records what it is sent and whether it was ended. */
class FakeWorker {
  sent: unknown[] = [];
  terminated = false;
  onerror: ((event: ErrorEvent) => void) | null = null;
  postMessage(message: unknown) {
    this.sent.push(message);
  }
  terminate() {
    this.terminated = true;
  }
}

describe("startReadWorkerBeside", () => {
  it("gives the read worker and the run worker the two ends of one channel, ends it with the run worker, and reports its failure", () => {
    const run = new FakeWorker();
    const reader = new FakeWorker();
    startReadWorkerBeside(run as unknown as Worker, () => reader as unknown as Worker);
    const toReader = reader.sent[0] as ReadWorkerPort;
    const toRun = run.sent[0] as Extract<ReadPortMessage, { type: "read-port" }>;
    expect(toRun.type).toBe("read-port");
    expect(toReader.port).toBeDefined();
    expect(toRun.port).toBeDefined();
    expect(toRun.port).not.toBe(toReader.port);
    reader.onerror!({} as ErrorEvent);
    expect(run.sent[1]).toEqual({ type: "read-port-failed" });
    (run as unknown as Worker).terminate();
    expect(reader.terminated).toBe(true);
    expect(run.terminated).toBe(true);
    toReader.port.close();
    toRun.port.close();
  });

  it("tells the run worker nothing when the read worker cannot be started (it starts its own)", () => {
    const run = new FakeWorker();
    startReadWorkerBeside(run as unknown as Worker, () => {
      throw new Error("no workers here");
    });
    expect(run.sent).toEqual([]);
  });
});

describe("portReader", () => {
  it("reads through the port, and in this thread once the read worker is said to have failed", async () => {
    const channel = new MessageChannel();
    // The read worker's end, served in this thread.
    const served: ReadRequest[] = [];
    channel.port1.onmessage = (event: MessageEvent<ReadRequest>) => {
      served.push(event.data);
      void serveRead(event.data, (reply, transfer) => channel.port1.postMessage(reply, transfer));
    };
    const reader = portReader(channel.port2);
    const source = offThreadBlobSources(() => reader)(blob);
    expect(await source.read(1000, 50_000)).toEqual(data.subarray(1000, 51_000));
    expect(served).toHaveLength(1);

    channel.port1.onmessage = null; // the read worker is gone: nothing answers
    const pending = source.read(100_000, 10);
    reader.fail();
    expect(await pending).toEqual(data.subarray(100_000, 100_010));
    expect(await source.read(5, 5)).toEqual(data.subarray(5, 10));
    channel.port1.close();
    channel.port2.close();
  });
});
