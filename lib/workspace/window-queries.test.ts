import { describe, expect, it } from "vitest";
import type { SampleBatch } from "../format/run-reader";
import { pointsIn } from "./window-queries";

/** Three batches of sorted timestamps with uneven gaps, each sample's value its own row number. */
function batches(): SampleBatch[] {
  const out: SampleBatch[] = [];
  let t = 1000;
  let row = 0;
  for (let index = 0; index < 3; index++) {
    const n = 5000 + index * 777;
    const ts = new Float64Array(n);
    const duration = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      t += 1 + ((row * 7919) % 13);
      ts[i] = t;
      duration[i] = row++;
    }
    out.push({ index, firstRow: row - n, ts, duration } as SampleBatch);
  }
  return out;
}

function bruteForce(all: SampleBatch[], t0: number, t1: number, count: number) {
  const ts: number[] = [];
  const value: number[] = [];
  for (const batch of all)
    for (let i = 0; i < batch.ts.length; i++)
      if (batch.ts[i] >= t0 && batch.ts[i] < t1 && ts.length < count) {
        ts.push(batch.ts[i]);
        value.push(batch.duration[i]);
      }
  return { ts, value };
}

describe("a window's raw samples", () => {
  it("are exactly those in [t0, t1), whichever batches the window starts, ends or spans", () => {
    const all = batches();
    const end = all[2].ts.at(-1)!;
    const windows: [number, number][] = [
      [0, end + 1],
      [all[0].ts[10], all[0].ts[20]],
      [all[0].ts.at(-3)!, all[1].ts[4]],
      [all[0].ts[100] + 0.5, all[2].ts[50]],
      [all[1].ts.at(-1)!, all[2].ts[0]],
      [end + 1, end + 100],
    ];
    for (const [t0, t1] of windows) {
      const want = bruteForce(all, t0, t1, Infinity);
      const got = pointsIn(all, t0, t1, want.ts.length);
      expect(Array.from(got.ts)).toEqual(want.ts);
      expect(Array.from(got.value)).toEqual(want.value);
    }
    // At most `count`, the first ones.
    const few = pointsIn(all, all[0].ts[3], end, 5);
    expect(Array.from(few.value)).toEqual([3, 4, 5, 6, 7]);
  });
});
