import { describe, expect, it } from "vitest";
import { createHistogram, recordValue, summarizeRun } from "../summary";
import { syntheticSampleBatches } from "../format/testing/synthetic-trace";
import { histogramBins } from "./histogram-bins";
import { samplesAtOrAbove, ownThreshold } from "./threshold";
import { convertKind, kindOffset } from "./value-kind";

async function tickRun() {
  const { batches, truth } = syntheticSampleBatches({
    samples: 300_000,
    worst: { atNs: 3e9, ns: 7_190_000 },
  });
  const durations = batches.flatMap((b) => Array.from(b.duration));
  const summary = await summarizeRun(batches, { test: "tick" });
  return { summary, truth, durations };
}

const bruteForce = (durations: number[], fromNs: number) => durations.filter((d) => d >= fromNs).length;

describe("samplesAtOrAbove", () => {
  it("equals a brute-force count over every sample, from the edge it names, in either kind", async () => {
    const { summary, durations } = await tickRun();
    const offset = summary.offsetNs;
    expect(offset).toBeGreaterThan(60_000);
    const thresholds = [10_000, 23_900, 40_800, 74_800, 100_000, 1_999_999, 7_190_000, 8_000_000];
    for (const duration of thresholds) {
      const asDuration = samplesAtOrAbove(summary, duration, "duration");
      expect(asDuration.fromNs).toBeGreaterThanOrEqual(duration);
      expect(asDuration.count).toBe(bruteForce(durations, asDuration.fromNs));
      // No sample lies between the threshold and the edge counted from: the count is the threshold's too.
      if (asDuration.fromNs !== duration)
        expect(bruteForce(durations, duration)).toBeGreaterThanOrEqual(asDuration.count);
      const overhead = samplesAtOrAbove(summary, duration - offset, "overhead");
      expect(overhead.count).toBe(asDuration.count);
      expect(overhead.fromNs + offset).toBeCloseTo(asDuration.fromNs, 6);
    }
  });

  it("counts near the baseline from the threshold or an edge a few ns above it", async () => {
    const { summary, durations } = await tickRun();
    const at = Math.round(summary.baseline.ns + 50);
    const counted = samplesAtOrAbove(summary, at, "duration");
    expect(counted.fromNs - at).toBeGreaterThanOrEqual(0);
    expect(counted.fromNs - at).toBeLessThan(8);
    expect(counted.count).toBe(bruteForce(durations, counted.fromNs));
  });

  it("names the threshold itself when no edge had to be taken (all samples or none)", async () => {
    const { summary, durations } = await tickRun();
    expect(samplesAtOrAbove(summary, 0, "duration")).toEqual({
      count: durations.length,
      fromNs: 0,
      thresholdNs: 0,
    });
    expect(samplesAtOrAbove(summary, 9e6, "duration")).toEqual({ count: 0, fromNs: 9e6, thresholdNs: 9e6 });
  });

  it("gives the run's own threshold in either kind, for the same samples", async () => {
    const { summary } = await tickRun();
    const own = ownThreshold(summary, "overhead");
    expect(ownThreshold(summary, "duration")).toBeCloseTo(own + summary.offsetNs, 6);
    expect(convertKind(own, "overhead", "duration", summary.offsetNs)).toBeCloseTo(own + summary.offsetNs, 6);
    expect(kindOffset(summary.offsetNs, "duration")).toBe(0);
  });
});

describe("histogramBins", () => {
  it("draws the histogram at the durations recorded (the shift added back), its mode within 2%", async () => {
    const { summary, durations } = await tickRun();
    expect(summary.histogram.shiftNs).toBeGreaterThan(50_000);
    // The true mode, by brute force over 1 ns values in a ±1% window around each candidate.
    const sorted = Float64Array.from(durations).sort();
    let best = 0;
    let mode = NaN;
    for (let i = 0, j = 0; i < sorted.length; i += 97) {
      while (j < sorted.length && sorted[j] < sorted[i] * 1.01) j++;
      if (j - i > best) {
        best = j - i;
        mode = sorted[Math.floor((i + j) / 2)];
      }
    }
    const bins = histogramBins(summary.histogram);
    expect(Math.abs(bins.modeNs - mode) / mode).toBeLessThan(0.02);
    expect(bins.lower[0]).toBeGreaterThan(summary.min.durationNs * 0.97);
    expect(bins.counts.reduce((a, b) => a + b, 0) + bins.belowOne).toBeCloseTo(durations.length, 3);
  });

  it("leaves no comb: evenly spread values give every bin its share, even bins finer than a bucket", () => {
    const h = createHistogram(0);
    for (let v = 1; v < 100_000; v++) recordValue(h, v);
    const bins = histogramBins(h);
    for (let i = 1; i < bins.lower.length; i++)
      expect(bins.lower[i] / bins.lower[i - 1]).toBeCloseTo(10 ** (1 / 100), 9);
    // Count per ns of bin width is 1 everywhere but in the last bucket (512 ns wide, past the last value).
    const density = bins.counts.map((c, i) => c / (bins.upper[i] - bins.lower[i]));
    for (const d of density.slice(0, -2)) expect(d).toBeCloseTo(1, 6);
  });

  it("shows overhead above 1 ns on the log axis and counts the rest apart", async () => {
    const { summary, durations } = await tickRun();
    const bins = histogramBins(summary.histogram, summary.offsetNs);
    const under = durations.filter((d) => d - summary.offsetNs < 1).length;
    expect(Math.abs(bins.belowOne - under) / durations.length).toBeLessThan(0.01);
    expect(bins.modeNs).toBeLessThan(summary.offsetNs);
  });
});
