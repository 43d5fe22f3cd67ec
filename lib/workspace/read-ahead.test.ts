import { describe, expect, it } from "vitest";
import { readAhead } from "./read-ahead";

function recordingSource(size: number) {
  const reads: [number, number][] = [];
  const data = Uint8Array.from({ length: size }, (_, i) => i % 251);
  return {
    reads,
    data,
    source: {
      size,
      read: async (offset: number, length: number) => {
        reads.push([offset, length]);
        return data.subarray(offset, Math.min(size, offset + length));
      },
    },
  };
}

describe("readAhead", () => {
  it("serves a front-to-back pass from reads started one step early, with the same bytes", async () => {
    const { reads, data, source } = recordingSource(400_000);
    const ahead = readAhead(source);
    const step = 100_000;
    for (let at = 0; at < 400_000; at += step)
      expect(Array.from((await ahead.read(at, step)).subarray(0, 5))).toEqual(
        Array.from(data.subarray(at, at + 5)),
      );
    expect(reads).toEqual([
      [0, step],
      [step, step],
      [2 * step, step],
      [3 * step, step],
    ]);
  });

  it("reads elsewhere directly and never past the end", async () => {
    const { reads, source } = recordingSource(150_000);
    const ahead = readAhead(source);
    expect((await ahead.read(0, 100_000)).byteLength).toBe(100_000);
    expect((await ahead.read(10, 20)).byteLength).toBe(20);
    expect((await ahead.read(100_000, 100_000)).byteLength).toBe(50_000);
    expect(reads).toEqual([
      [0, 100_000],
      [100_000, 100_000],
      [10, 20],
    ]);
  });

  it("keeps `depth` reads on the way, and takes back with readReused only what it lent last", async () => {
    const { reads, data, source } = recordingSource(600_000);
    const released: number[] = [];
    const ahead = readAhead({ ...source, release: (bytes) => released.push(bytes[0]) }, 2);
    const step = 100_000;
    const first = await ahead.readReused!(0, step);
    expect(reads).toEqual([
      [0, step],
      [step, step],
      [2 * step, step],
    ]);
    expect(released).toEqual([]);
    const second = await ahead.readReused!(step, step);
    expect(second[0]).toBe(data[step]);
    // The first bytes went back; one more read is on the way.
    expect(released).toEqual([first[0]]);
    expect(reads.at(-1)).toEqual([3 * step, step]);
    // A new pass elsewhere hands back the stretches it skips, but not what is still lent (nor what a
    // plain read returns: that is the caller's to keep).
    await ahead.read(5 * step, step);
    expect(released).toEqual([first[0], data[2 * step], data[3 * step]]);
    await ahead.readReused!(0, 10);
    expect(released).toEqual([first[0], data[2 * step], data[3 * step], second[0]]);
  });
});
