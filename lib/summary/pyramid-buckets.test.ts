import { describe, expect, it } from "vitest";
import { syntheticSampleBatches } from "../format/testing/synthetic-trace";
import { m4, SummaryBuilder } from "./index";
import { DEFAULT_PYRAMID_BUCKETS } from "./pyramid";
import { MOST_PYRAMID_BUCKETS, pyramidBucketsFor } from "./pyramid-buckets";

describe("pyramidBucketsFor", () => {
  it("keeps the default up to 134M samples, then doubles with the run, up to 2^20 buckets", () => {
    expect(pyramidBucketsFor(1000)).toBe(DEFAULT_PYRAMID_BUCKETS);
    expect(pyramidBucketsFor(50e6)).toBe(DEFAULT_PYRAMID_BUCKETS);
    expect(pyramidBucketsFor(7 * 50e6)).toBe(4 * DEFAULT_PYRAMID_BUCKETS);
    expect(pyramidBucketsFor(1.2e9)).toBe(MOST_PYRAMID_BUCKETS);
    expect(pyramidBucketsFor(1e12)).toBe(MOST_PYRAMID_BUCKETS);
  });

  it("gives level 0 buckets of as few samples in a long run as the default does in a 50M run", () => {
    for (const samples of [50e6, 400e6, 1.2e9]) {
      const perBucket = samples / pyramidBucketsFor(samples);
      expect(perBucket).toBeLessThanOrEqual(1200);
    }
  });

  it("answers from the pyramid, exactly, windows that the default would read from raw batches", () => {
    // 200,000 samples over 8 buckets by default would be 25,000 per bucket; 64 buckets hold 3,125.
    const { batches, truth } = syntheticSampleBatches({ samples: 200_000, test: "tick", batchRows: 50_000 });
    const summaries = [8, 64].map((pyramidBuckets) => {
      const builder = new SummaryBuilder({ test: "tick", pyramidBuckets, warmupSamples: 10_000 });
      for (const batch of batches) builder.add(batch);
      return builder.finish();
    });
    const window = { t0: truth.lastTs * 0.25, t1: truth.lastTs * 0.5 };
    const [few, more] = summaries.map((s) => m4(s, window.t0, window.t1, 4, { offsetNs: 0 }));
    expect(few.rawNeeded).toBe(true);
    expect(more.rawNeeded).toBe(false);
    let max = 0;
    for (const batch of batches)
      for (let i = 0; i < batch.ts.length; i++)
        if (batch.ts[i] >= more.edges[0] && batch.ts[i] < more.edges[4])
          max = Math.max(max, batch.duration[i]);
    expect(Math.max(...more.max.filter(Number.isFinite))).toBe(max);
  });
});
