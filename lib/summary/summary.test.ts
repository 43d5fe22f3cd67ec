import { describe, expect, it } from "vitest";
import { readRunBatches, type SampleBatch } from "../format/run-reader";
import { encodeSyntheticRun, syntheticSampleBatches } from "../format/testing/synthetic-trace";
import { firstDifference } from "./testing/first-difference";
import {
  batchesCovering,
  decodeSummary,
  encodeSummary,
  evenEdges,
  m4,
  m4FromSamples,
  overheadPercentile,
  percentile,
  summarizeRun,
  SummaryBuilder,
  HISTOGRAM_RELATIVE_ERROR,
} from "./index";

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

function allDurations(batches: SampleBatch[]): Float64Array {
  const out = new Float64Array(batches.reduce((n, b) => n + b.ts.length, 0));
  let at = 0;
  for (const b of batches) {
    out.set(b.duration, at);
    at += b.ts.length;
  }
  return out;
}

// 40 s of a 68 µs busy loop: 1 ms ticks of 8 µs, a 2 ms spike every second at 0.35 s, one 7.19 ms worst.
const tickTrace = syntheticSampleBatches({
  samples: 580_000,
  batchRows: 100_000,
  worst: { atNs: 23.456e9, ns: 7_190_000 },
});

describe("summarizeRun on a tick run with known truth", async () => {
  const { batches, truth } = tickTrace;
  const summary = await summarizeRun(batches, { test: "tick" });

  it("counts every sample and finds the exact maximum and its timestamp", () => {
    expect(summary.count).toBe(truth.samples);
    expect(summary.max).toEqual({ durationNs: truth.max.durationNs, ts: truth.max.ts });
    expect(summary.spanNs).toBe(truth.lastTs - truth.firstTs);
  });

  it("estimates the baseline within 1% and subtracts it as the run's offset", () => {
    expect(rel(summary.baseline.ns, truth.baselineNs)).toBeLessThan(0.01);
    expect(summary.offsetNs).toBe(summary.baseline.ns);
  });

  it("finds the tick period and cost within 2%", () => {
    expect(summary.tick).not.toBeNull();
    expect(rel(summary.tick!.periodNs, truth.tickPeriodNs!)).toBeLessThan(0.02);
    expect(rel(summary.tick!.costNs, truth.tickCostNs)).toBeLessThan(0.02);
    expect(summary.tick!.regularity).toBeGreaterThan(0.9);
  });

  it("finds the periodic spikes: period within 1%, phase, regularity and size", () => {
    const family = summary.periodicSpikes[0];
    expect(family).toBeDefined();
    expect(rel(family.periodNs, truth.spikePeriodNs!)).toBeLessThan(0.01);
    expect(Math.abs(family.phaseNs - truth.spikePhaseNs)).toBeLessThan(0.01 * truth.spikePeriodNs!);
    expect(family.regularity).toBeGreaterThan(0.9);
    expect(rel(family.magnitudeNs, truth.spikeNs)).toBeLessThan(0.1);
  });

  it("gives percentiles within the histogram's error of the exact ones", () => {
    const sorted = allDurations(batches).sort();
    for (const p of [50, 90, 99, 99.9, 99.99, 99.999]) {
      const exact = sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
      expect(rel(percentile(summary.histogram, p), exact)).toBeLessThanOrEqual(HISTOGRAM_RELATIVE_ERROR);
      expect(overheadPercentile(summary, p)).toBeCloseTo(
        percentile(summary.histogram, p) - summary.baseline.ns,
        6,
      );
    }
    expect(percentile(summary.histogram, 100)).toBe(truth.max.durationNs);
  });

  it("keeps the K worst samples, largest first, as a brute-force pass does", () => {
    const all = batches.flatMap((b) => Array.from(b.duration, (d, i) => ({ d, t: b.ts[i] })));
    all.sort((a, b) => b.d - a.d || a.t - b.t);
    const k = summary.worst.durationNs.length;
    expect(k).toBe(64);
    expect(Array.from(summary.worst.durationNs)).toEqual(all.slice(0, k).map((s) => s.d));
    expect(Array.from(summary.worst.ts)).toEqual(all.slice(0, k).map((s) => s.t));
  });

  it("keeps every spike above the threshold and the maximum of every second", () => {
    const above = batches.flatMap((b) =>
      Array.from(b.duration).filter((d) => d - summary.offsetNs > summary.spikes.thresholdNs),
    );
    expect(Array.from(summary.spikes.durationNs)).toEqual(above);
    const seconds = new Map<number, number>();
    for (const b of batches)
      b.ts.forEach((t, i) =>
        seconds.set(Math.floor(t / 1e9), Math.max(seconds.get(Math.floor(t / 1e9)) ?? 0, b.duration[i])),
      );
    expect(Array.from(summary.seconds.maxDurationNs)).toEqual([...seconds.values()]);
  });

  it("gives M4 of random windows equal to a brute-force pass over the raw samples", () => {
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let trial = 0; trial < 30; trial++) {
      const a = random() * truth.lastTs;
      const b = a + random() * (truth.lastTs - a) + 1;
      const columns = 1 + Math.floor(random() * 1500);
      const fromPyramid = m4(summary, a, b, columns);
      const brute = m4FromSamples(batches, fromPyramid.edges, summary.offsetNs);
      const { bucketNs, level, rawNeeded, ...columnsOnly } = fromPyramid;
      expect(bucketNs).toBe(summary.pyramid.levels[level].widthNs);
      expect(rawNeeded).toBe(summary.pyramid.levels[0].widthNs > (b - a) / columns);
      expect(columnsOnly).toEqual(brute);
    }
  });

  it("saves and reloads to the same summary", () => {
    const reloaded = decodeSummary(encodeSummary(summary));
    expect(firstDifference(reloaded, summary)).toBeNull();
  });

  it("finds a 4 ms tick (CONFIG_HZ=250) and no periodic spikes when there are none", async () => {
    const { batches, truth } = syntheticSampleBatches({
      samples: 300_000,
      tickPeriodNs: 4_000_000,
      tickCostNs: 6_000,
      spikePeriodNs: null,
      seed: 3,
    });
    const summary = await summarizeRun(batches);
    expect(rel(summary.tick!.periodNs, truth.tickPeriodNs!)).toBeLessThan(0.02);
    expect(rel(summary.tick!.costNs, truth.tickCostNs)).toBeLessThan(0.02);
    expect(summary.periodicSpikes).toEqual([]);
  });

  it("reports the share of periods holding a spike as the regularity", async () => {
    const { batches, truth } = syntheticSampleBatches({ samples: 1_500_000, spikeRegularity: 0.5, seed: 5 });
    const summary = await summarizeRun(batches);
    const periods = Math.floor((truth.lastTs - truth.spikePhaseNs) / truth.spikePeriodNs!) + 1;
    const withSpike = new Set<number>();
    for (const b of batches)
      b.duration.forEach(
        (d, i) => d > truth.spikeNs * 0.8 && withSpike.add(Math.round((b.ts[i] - truth.spikePhaseNs) / 1e9)),
      );
    expect(summary.periodicSpikes[0].regularity).toBeCloseTo(withSpike.size / periods, 2);
    expect(withSpike.size / periods).toBeGreaterThan(0.3);
  });

  it("summarises a switch run with int64 durations: the latency is the duration itself", async () => {
    const { bytes, truth } = encodeSyntheticRun({
      samples: 300_000,
      test: "switch",
      durationType: "int64",
      threads: 1000,
      worst: { atNs: 0.1e9, ns: 3_530_000 },
    });
    const summary = await summarizeRun(readRunBatches(bytes, "switch.arrow"), { test: "switch" });
    expect(summary.offsetNs).toBe(0);
    expect(rel(summary.baseline.ns, truth.baselineNs)).toBeLessThan(0.01);
    expect(summary.max).toEqual({ durationNs: truth.max.durationNs, ts: truth.max.ts });
    expect(m4(summary, 0, truth.lastTs + 1, 1).max[0]).toBe(truth.max.durationNs);
  });

  it("gives the same summary from an Arrow file (int64 or uint64 ts) as from the samples, with byte offsets", async () => {
    const options = { samples: 250_000, batchRows: 65_536, spikePeriodNs: 0.5e9 };
    const direct = await summarizeRun(syntheticSampleBatches(options).batches);
    for (const tsType of ["int64", "uint64"] as const) {
      const { bytes } = encodeSyntheticRun({ ...options, tsType });
      const viaFile = await summarizeRun(readRunBatches(bytes, "run.arrow"));
      expect(viaFile.batches.byteOffset.every((offset) => offset > 0)).toBe(true);
      expect(viaFile.batches.byteLength.every((length) => length > 0)).toBe(true);
      const strip = (s: typeof direct) => ({
        ...s,
        batches: { ...s.batches, byteOffset: null, byteLength: null },
      });
      expect(firstDifference(strip(viaFile), strip(direct))).toBeNull();
    }
  });

  it("builds the same pyramid whatever the batch sizes (level 0 doubles as the run grows)", async () => {
    const options = { samples: 200_000, spikePeriodNs: 0.3e9 };
    const small = await summarizeRun(syntheticSampleBatches({ ...options, batchRows: 777 }).batches, {
      pyramidBuckets: 512,
      warmupSamples: 50_000,
    });
    const large = await summarizeRun(syntheticSampleBatches({ ...options, batchRows: 100_000 }).batches, {
      pyramidBuckets: 512,
      warmupSamples: 50_000,
    });
    expect(firstDifference(small.pyramid, large.pyramid)).toBeNull();
    expect(small.pyramid.levels[0].size).toBeLessThanOrEqual(512);
  });

  it("answers raw windows from just the batches that cover them", async () => {
    const { batches, truth } = syntheticSampleBatches({ samples: 300_000, batchRows: 50_000 });
    const summary = await summarizeRun(batches, { pyramidBuckets: 256 });
    const t0 = truth.lastTs * 0.41;
    const t1 = truth.lastTs * 0.42;
    const result = m4(summary, t0, t1, 1500);
    expect(result.rawNeeded).toBe(true);
    const covering = batchesCovering(summary, t0, t1);
    expect(covering.length).toBeLessThan(batches.length);
    const edges = evenEdges(t0, t1, 1500);
    expect(
      m4FromSamples(
        covering.map((c) => batches[c.index]),
        edges,
        summary.offsetNs,
      ),
    ).toEqual(m4FromSamples(batches, edges, summary.offsetNs));
  });
});

describe("periodic spikes among random ones", () => {
  it("still finds the period within 1% and its regularity when random spikes outnumber the periodic ones", async () => {
    const { batches, truth } = syntheticSampleBatches({
      samples: 900_000,
      noiseSpikesPerSecond: 3,
      seed: 11,
    });
    const summary = await summarizeRun(batches);
    const family = summary.periodicSpikes[0];
    expect(rel(family.periodNs, truth.spikePeriodNs!)).toBeLessThan(0.01);
    expect(Math.abs(family.phaseNs - truth.spikePhaseNs)).toBeLessThan(0.01 * truth.spikePeriodNs!);
    expect(family.regularity).toBeGreaterThan(0.9);
    expect(summary.spikes.ts.length).toBeGreaterThan(3 * family.occurrences);
  });
});

describe("the first samples of a reader that reuses its arrays", () => {
  it("are held back in one buffer allocated once: the summary is the one fresh arrays give", () => {
    const { batches } = syntheticSampleBatches({ samples: 400_000, batchRows: 30_000 });
    const options = { test: "tick", warmupSamples: 200_000 };
    const fresh = new SummaryBuilder(options);
    for (const batch of batches) fresh.add(batch);
    // One pair of arrays for every batch, overwritten as soon as the builder has been given it.
    const ts = new Float64Array(30_000);
    const duration = new Float64Array(30_000);
    const reusing = new SummaryBuilder(options);
    for (const batch of batches) {
      const n = batch.ts.length;
      ts.set(batch.ts);
      duration.set(batch.duration);
      reusing.add({ ...batch, ts: ts.subarray(0, n), duration: duration.subarray(0, n), reused: true });
      ts.fill(-1);
      duration.fill(-1);
    }
    expect(
      firstDifference(
        Buffer.from(encodeSummary(reusing.finish())),
        Buffer.from(encodeSummary(fresh.finish())),
      ),
    ).toBeNull();
  });
});
