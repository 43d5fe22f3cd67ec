import { describe, expect, it } from "vitest";
import { blobSource } from "@/lib/format/byte-source";
import { encodeTickRun, tickBundle } from "@/lib/format/testing/tick-trace";
import type { FromWorker, ToWorker } from "./protocol";
import { RunHost } from "./run-host";

// 20 record batches of 20,000 samples, so that a read can be cancelled half-way.
const long = encodeTickRun({
  id: "long",
  environment: "emulated",
  scenario: "one-to-all",
  options: { samples: 400_000, batchRows: 20_000 },
});
const short = encodeTickRun({
  id: "short",
  environment: "kvm",
  scenario: "one-to-all",
  options: { samples: 30_000 },
});

const job = (jobKey: string, name: string, bytes: Uint8Array): ToWorker => ({
  type: "open",
  jobKey,
  job: {
    kind: "run",
    name,
    source: { name, size: bytes.byteLength, read: new Blob([bytes as Uint8Array<ArrayBuffer>]) },
  },
});

/** A host whose file reads are counted; `onRead(n)` runs as the n-th large read (a batch) is asked for. */
function countingHost(onRead: (host: RunHost, reads: number, size: number) => void) {
  const messages: FromWorker[] = [];
  let reads = 0;
  const host: RunHost = new RunHost(
    (message) => messages.push(message),
    (blob) => {
      const source = blobSource(blob);
      return {
        size: source.size,
        read: (offset, length) => {
          if (length >= 64 * 1024) onRead(host, ++reads, blob.size);
          return source.read(offset, length);
        },
      };
    },
  );
  return { host, messages, reads: () => reads };
}

describe("RunHost: cancelling a read", () => {
  it("stops the read part-way, keeps nothing of it, and reads it whole when opened again", async () => {
    const { host, messages, reads } = countingHost((h, n, size) => {
      // The 1st large read is the last batch's (the run's end, for the summary's pyramid), then batches.
      if (n === 6 && size === long.bytes.byteLength) void h.handle({ type: "cancel", runKey: "long" });
    });
    await host.handle(job("long", "long.arrow", long.bytes));
    expect(messages.filter((m) => m.type === "cancelled")).toEqual([{ type: "cancelled", runKey: "long" }]);
    expect(messages.some((m) => m.type === "summary" || m.type === "failed")).toBe(false);
    // The read stopped within the read-ahead of the batch being read when the page asked.
    expect(reads()).toBeLessThan(12);
    const lastProgress = messages.filter((m) => m.type === "progress").at(-1);
    if (lastProgress?.type !== "progress") throw new Error("no progress");
    expect(lastProgress.progress.samples).toBeLessThan(400_000);
    // The worker holds no run for it: queries say so.
    await host.handle({ type: "window", runKey: "long", seq: 1, t0: 0, t1: 1e9, columns: 10, rawBelow: 0 });
    expect(messages.at(-1)).toMatchObject({
      type: "query-failed",
      message: expect.stringContaining("not open"),
    });

    // The other runs keep working in the same worker.
    await host.handle(job("short", "short.arrow", short.bytes));
    expect(messages.find((m) => m.type === "summary" && m.runKey === "short")).toMatchObject({
      digest: { count: 30_000 },
    });

    await host.handle({ type: "reopen", runKey: "long" });
    const summary = messages.find((m) => m.type === "summary" && m.runKey === "long");
    if (summary?.type !== "summary") throw new Error("not read again");
    expect(summary.digest.count).toBe(400_000);
    // The same digest as a read never cancelled.
    const fresh: FromWorker[] = [];
    await new RunHost((m) => fresh.push(m)).handle(job("long", "long.arrow", long.bytes));
    expect(summary.digest).toEqual(fresh.find((m) => m.type === "summary")?.digest);
  });

  it("stops a run's read when it is closed, and keeps nothing to read it again", async () => {
    const { host, messages, reads } = countingHost((h, n) => {
      if (n === 5) void h.handle({ type: "close", runKey: "long" });
    });
    await host.handle(job("long", "long.arrow", long.bytes));
    expect(reads()).toBeLessThan(12);
    expect(messages.some((m) => ["cancelled", "summary", "failed"].includes(m.type))).toBe(false);
    await host.handle({ type: "reopen", runKey: "long" });
    expect(messages.some((m) => m.type === "summary")).toBe(false);
  });

  it("goes on with a bundle's next run when one run's read is cancelled", async () => {
    const { zip } = tickBundle([
      {
        id: "a",
        environment: "emulated",
        scenario: "one-to-all",
        options: { samples: 400_000, batchRows: 20_000 },
      },
      { id: "b", environment: "kvm", scenario: "one-to-all", options: { samples: 30_000 } },
    ]);
    let cancelled = false;
    const { host, messages } = countingHost((h, n) => {
      if (n === 5 && !cancelled) {
        cancelled = true;
        void h.handle({ type: "cancel", runKey: "z/a" });
      }
    });
    await host.handle({
      type: "open",
      jobKey: "z",
      job: {
        kind: "zip",
        name: "z.zip",
        source: { name: "z.zip", size: zip.byteLength, read: new Blob([zip as Uint8Array<ArrayBuffer>]) },
      },
    });
    expect(messages.filter((m) => m.type === "cancelled")).toEqual([{ type: "cancelled", runKey: "z/a" }]);
    expect(messages.find((m) => m.type === "summary" && m.runKey === "z/b")).toMatchObject({
      digest: { count: 30_000 },
    });
    await host.handle({ type: "reopen", runKey: "z/a" });
    expect(messages.find((m) => m.type === "summary" && m.runKey === "z/a")).toMatchObject({
      digest: { count: 400_000 },
    });
  });
});
