import { describe, expect, it } from "vitest";
import { DEFAULT_PYRAMID_BUCKETS } from "../../lib/summary/pyramid";
import { MOST_PYRAMID_BUCKETS, pyramidBucketsFor } from "../../lib/summary";
import { expectedSamples, runSummaryOptions } from "./run-summary-options";

const HOUR = 3600e9;

describe("the options a collected run is summarised with", () => {
  it("a 24 h tick run at the study's 68 µs loop gets the finest pyramid, not the default 2^17 buckets", () => {
    const options = runSummaryOptions({ test: "tick" }, { durationNs: 24 * HOUR }, 1000);
    expect(options).toEqual({ test: "tick", hz: 1000, pyramidBuckets: MOST_PYRAMID_BUCKETS });
    // The estimate is within a few % of the 1.2 billion samples such a run holds (72 µs a sample in bench:ui's file).
    expect(expectedSamples({ test: "tick" }, { durationNs: 24 * HOUR })).toBeGreaterThan(1.2e9);
    expect(expectedSamples({ test: "tick" }, { durationNs: 24 * HOUR })).toBeLessThan(1.3e9);
  });

  it("a short run keeps the default pyramid; a 3 h one at 68 µs is in between, as its real count would give", () => {
    expect(runSummaryOptions({ test: "tick" }, { durationNs: 10e9 }, null).pyramidBuckets).toBe(
      DEFAULT_PYRAMID_BUCKETS,
    );
    const threeHours = runSummaryOptions({ test: "tick" }, { durationNs: 3 * HOUR }, null).pyramidBuckets!;
    expect(threeHours).toBe(pyramidBucketsFor((3 * HOUR) / 68_300));
    expect(threeHours).toBeGreaterThan(DEFAULT_PYRAMID_BUCKETS);
    expect(threeHours).toBeLessThan(MOST_PYRAMID_BUCKETS);
  });

  it("follows --loop-us and the test: a 20 min run at --loop-us 1 holds ~1B samples; a switch run ~430 ns each", () => {
    expect(expectedSamples({ test: "tick" }, { durationNs: 20 * 60e9, loopUs: "1" })).toBeCloseTo(
      (20 * 60e9) / 1250,
    );
    expect(expectedSamples({ test: "switch", threads: 2 }, { durationNs: 10e9 })).toBeCloseTo(10e9 / 430);
  });

  it("takes --samples as it is", () => {
    expect(expectedSamples({ test: "tick" }, { samples: 500_000_000, durationNs: 1e9 })).toBe(500_000_000);
    expect(runSummaryOptions({ test: "tick" }, { samples: 500_000_000 }, 250).pyramidBuckets).toBe(
      pyramidBucketsFor(500_000_000),
    );
  });
});
