import { describe, expect, it } from "vitest";
import { BlobRanges } from "./blob-ranges";

const data = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 7) % 253);
const blob = new Blob([data]);

/** A Blob whose BYOB reads never finish after the first `good` (as Chromium 156's can), counting each way's reads. */
function stallingBlob(good: number) {
  const counts = { byob: 0, whole: 0 };
  const slice = (from: number, to: number) => {
    const part = blob.slice(from, to);
    return {
      size: part.size,
      stream: () => {
        const stream = part.stream();
        return {
          getReader(options: { mode: "byob" }) {
            const reader = stream.getReader(options);
            if (counts.byob++ < good) return reader;
            return { read: () => new Promise(() => undefined), cancel: () => reader.cancel() };
          },
        };
      },
      arrayBuffer: () => {
        counts.whole++;
        return part.arrayBuffer();
      },
    };
  };
  return { blob: { size: blob.size, slice } as unknown as Blob, counts };
}

describe("BlobRanges", () => {
  it("reads a range into a given buffer, and into a new one when it is too small", async () => {
    const ranges = new BlobRanges();
    const given = new ArrayBuffer(150_000);
    const read = await ranges.read(blob, 1000, 100_000, given);
    expect(read.length).toBe(100_000);
    expect(new Uint8Array(read.buffer, 0, read.length)).toEqual(data.subarray(1000, 101_000));
    // The BYOB reader took the given buffer (it is detached now) and returned its memory.
    expect(given.byteLength).toBe(0);
    expect(read.buffer.byteLength).toBe(150_000);

    const fresh = await ranges.read(blob, 250_000, 100_000, new ArrayBuffer(10));
    expect(fresh.length).toBe(50_000);
    expect(new Uint8Array(fresh.buffer, 0, fresh.length)).toEqual(data.subarray(250_000));
    expect(ranges.stalled).toBe(false);
  });

  it("a BYOB read that stalls is left: that range and the later ones are read whole, into the buffer given when it fits", async () => {
    const { blob: stalling, counts } = stallingBlob(2);
    const ranges = new BlobRanges(50);
    for (const at of [0, 100_000])
      expect(new Uint8Array((await ranges.read(stalling, at, 50_000)).buffer)).toEqual(
        data.subarray(at, at + 50_000),
      );
    expect(counts).toEqual({ byob: 2, whole: 0 });

    const started = performance.now();
    const third = await ranges.read(stalling, 200_000, 50_000);
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    expect(new Uint8Array(third.buffer, 0, third.length)).toEqual(data.subarray(200_000, 250_000));
    expect(ranges.stalled).toBe(true);
    expect(counts).toEqual({ byob: 3, whole: 1 });

    const given = new ArrayBuffer(80_000);
    const fourth = await ranges.read(stalling, 10_000, 60_000, given);
    expect(fourth.buffer).toBe(given);
    expect(new Uint8Array(given, 0, fourth.length)).toEqual(data.subarray(10_000, 70_000));
    expect(counts).toEqual({ byob: 3, whole: 2 }); // no BYOB read tried again
  });
});
