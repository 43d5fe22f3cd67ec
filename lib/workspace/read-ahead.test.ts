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
});
