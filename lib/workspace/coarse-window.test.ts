import { describe, expect, it } from "vitest";
import { syntheticSampleBatches } from "../format/testing/synthetic-trace";
import { m4FromSamples, summarizeRun } from "../summary";
import { COARSE_BUCKETS, coarseLevels, coarseWindow } from "./coarse-window";

// 400k samples over ~27 s with a hypervisor pause once a second: the pyramid has levels of every size.
const { batches, truth } = syntheticSampleBatches({
  samples: 400_000,
  test: "tick",
  baselineNs: 68_000,
  jitterNs: 200,
  tickPeriodNs: 1_000_000,
  tickCostNs: 8_000,
  spikePeriodNs: 1e9,
  spikeNs: 50_000_000,
});

describe("the page's coarse pyramid levels", async () => {
  const summary = await summarizeRun(batches, { test: "tick" });

  it("keeps only levels of at most COARSE_BUCKETS buckets", () => {
    const coarse = coarseLevels(summary.pyramid);
    expect(coarse.levels.length).toBeGreaterThan(2);
    expect(coarse.levels.length).toBeLessThan(summary.pyramid.levels.length);
    for (const level of coarse.levels) expect(level.size).toBeLessThanOrEqual(COARSE_BUCKETS);
  });

  it("draws a window's columns exactly as the raw samples give them on the same edges", () => {
    const coarse = coarseLevels(summary.pyramid);
    const t1 = truth.lastTs;
    const window = coarseWindow(coarse, 0, t1, 1000)!;
    expect(window.source).toBe("coarse");
    expect(window.samples).toBe(400_000);
    const edges = Float64Array.from([
      ...window.start,
      window.start[999] + (window.start[999] - window.start[998]),
    ]);
    const exact = m4FromSamples(batches, edges, 0);
    for (let i = 0; i < 999; i++) {
      expect(window.count[i]).toBe(exact.count[i]);
      if (exact.count[i] > 0) {
        expect(window.max[i]).toBe(exact.max[i]);
        expect(window.min[i]).toBe(exact.min[i]);
      }
    }
    // The worst sample is in it, at its own value.
    expect(Math.max(...window.max.filter((v) => !Number.isNaN(v)))).toBe(truth.max.durationNs);
  });

  it("gives no picture for a window finer than its finest level (two pixels a bucket)", () => {
    const coarse = coarseLevels(summary.pyramid);
    const width = coarse.levels[0].widthNs;
    expect(coarseWindow(coarse, 0, width * 400, 1000)).toBeNull();
    expect(coarseWindow(coarse, 0, width * 500, 1000)).not.toBeNull();
  });
});
