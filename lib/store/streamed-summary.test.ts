import { tableFromArrays, tableToIPC } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { openRun } from "../format/run-reader";
import { encodeSummary, summarizeRun } from "../summary";
import { encodeSyntheticRun } from "../format/testing/synthetic-trace";
import { ChunkQueue, summarizeStreamedRun, wholeMessages } from "./streamed-summary";
import { streamRunSummary, summarizeZipEntry } from "./summary-thread";
import { bytesEntry, writeStoredZip } from "./testing/synthetic";
import { listZipFile } from "./unpack-zip";
import { DEFAULT_LIMITS } from "./limits";
import { statSync } from "node:fs";
import { tempDir } from "../format/testing/temp-dir";
import { join } from "node:path";

async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.byteLength; at += size) yield bytes.slice(at, at + size);
}

const utf8Junk = new TextEncoder().encode("this is not an Arrow message ".repeat(400));

const options = { samples: 60_000, batchRows: 8_000, test: "tick" as const };

/** The summary the bundle check computes from the whole file, through its footer. */
/** Compared as bytes: a deep comparison of megabytes of summary is slow, and its diff unreadable. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
}

async function fromWholeFile(bytes: Uint8Array, test: string | undefined): Promise<Uint8Array> {
  const run = await openRun(bytes, "run.arrow");
  return encodeSummary(await summarizeRun(run.batches({ reuseTimestamps: true }), { test }));
}

describe("summarizeStreamedRun", () => {
  it("ends its source when the reader stops early, so the source closes what it opened", async () => {
    const { bytes } = encodeSyntheticRun(options);
    const damaged = Uint8Array.from(bytes);
    damaged.set(utf8Junk, bytes.byteLength >> 1);
    const notArrow = Uint8Array.from(utf8Junk);
    for (const input of [damaged, notArrow]) {
      let closed = false;
      async function* source() {
        try {
          yield* chunked(input, 4096);
          for (;;) yield new Uint8Array(4096); // more than the reader will ever want
        } finally {
          closed = true;
        }
      }
      expect(await summarizeStreamedRun(source(), "run.arrow", undefined)).toBeNull();
      await expect.poll(() => closed).toBe(true);
    }
  });

  it("gives the summary read through the footer, byte for byte, whatever the chunk sizes", async () => {
    const { bytes } = encodeSyntheticRun(options);
    const expected = await fromWholeFile(bytes, "tick");
    for (const size of [4093, 65_536, 1 << 22]) {
      const streamed = await summarizeStreamedRun(chunked(bytes, size), "run.arrow", undefined);
      expect([streamed!.test, streamed!.count]).toEqual(["tick", 60_000]);
      expect(sameBytes(streamed!.encoded, expected)).toBe(true);
    }
    const asSwitch = await summarizeStreamedRun(chunked(bytes, 65_536), "run.arrow", "switch");
    expect(asSwitch!.test).toBe("switch");
    expect(sameBytes(asSwitch!.encoded, await fromWholeFile(bytes, "switch"))).toBe(true);
  });

  it("leaves to the disk check a run it cannot read front to back or that is invalid", async () => {
    const table = tableFromArrays({
      ts_ns: BigInt64Array.from([0n, 10n]),
      duration_ns: Uint32Array.of(5, 6),
    });
    // apache-arrow's file writer puts the schema only in the footer.
    expect(await summarizeStreamedRun(chunked(tableToIPC(table, "file"), 1 << 20), "a.arrow", "tick")).toBe(
      null,
    );
    const { bytes } = encodeSyntheticRun(options);
    const truncated = bytes.subarray(0, bytes.byteLength - 1000);
    expect(await summarizeStreamedRun(chunked(truncated, 65_536), "b.arrow", "tick")).toBe(null);
    expect(
      await summarizeStreamedRun(chunked(new TextEncoder().encode("not arrow"), 4), "c.arrow", "tick"),
    ).toBe(null);
  });
});

describe("wholeMessages", () => {
  it("regroups chunks into the magic, one chunk per message, and the footer as it came", async () => {
    const { bytes } = encodeSyntheticRun(options);
    const out: Uint8Array[] = [];
    for await (const chunk of wholeMessages(chunked(bytes, 4093))) out.push(chunk.slice());
    expect(Buffer.compare(Buffer.concat(out), Buffer.from(bytes))).toBe(0);
    const { blocks } = await openRun(bytes, "run.arrow");
    const sizes = out.map((c) => c.byteLength);
    // magic, schema, 8 record batches, then the end marker and footer in the chunks they came in
    expect(sizes[0]).toBe(8);
    expect(sizes.slice(2, 2 + blocks!.length)).toEqual(blocks!.map((b) => b.metaDataLength + b.bodyLength));
  });
});

describe("ChunkQueue", () => {
  it("hands chunks on in order, counts what was taken, and drops what comes after discard", async () => {
    let taken = 0;
    const queue = new ChunkQueue((n) => (taken += n));
    queue.push(Uint8Array.of(1, 2));
    const reading = (async () => {
      const seen: number[] = [];
      for await (const chunk of queue) seen.push(...chunk);
      return seen;
    })();
    queue.push(Uint8Array.of(3));
    queue.end();
    expect(await reading).toEqual([1, 2, 3]);
    queue.discard();
    queue.push(Uint8Array.of(4, 5, 6));
    expect(taken).toBe(6);
  });
});

describe("streamRunSummary (on the worker thread)", () => {
  it("summarizes the bytes it is given, as the bundle check would", async () => {
    const { bytes } = encodeSyntheticRun(options);
    const run = streamRunSummary("runs/a.arrow", undefined);
    for await (const chunk of chunked(bytes, 1 << 16)) await run.tap(chunk);
    run.end();
    const summary = await run.result;
    expect([summary!.test, summary!.count]).toEqual(["tick", 60_000]);
    expect(sameBytes(summary!.encoded, await fromWholeFile(bytes, "tick"))).toBe(true);
  });

  it("summarizes a run in a zip on disk, reading it itself", async () => {
    const { bytes } = encodeSyntheticRun(options);
    const zipPath = join(tempDir("streamed-summary-"), "bundle.zip");
    await writeStoredZip(zipPath, [bytesEntry("runs/a.arrow", bytes)]);
    const [entry] = await listZipFile(zipPath, statSync(zipPath).size, "bundle.zip", DEFAULT_LIMITS);
    const summary = await summarizeZipEntry(zipPath, entry, "bundle.zip").result;
    expect([summary!.test, summary!.count]).toEqual(["tick", 60_000]);
    expect(sameBytes(summary!.encoded, await fromWholeFile(bytes, "tick"))).toBe(true);
  });

  it("answers null once aborted, and for bytes that are not a run", async () => {
    const { bytes } = encodeSyntheticRun(options);
    const aborted = streamRunSummary("runs/b.arrow", undefined);
    await aborted.tap(bytes.slice(0, 50_000));
    aborted.abort();
    expect(await aborted.result).toBe(null);
    const garbage = streamRunSummary("runs/c.arrow", undefined);
    await garbage.tap(new TextEncoder().encode("ARROW1\0\0 and then nothing like a message"));
    garbage.end();
    expect(await garbage.result).toBe(null);
  });
});
