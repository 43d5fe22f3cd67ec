import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readRunBatches, type SampleBatch } from "../format/run-reader";
import { syntheticSampleBatches } from "./testing/synthetic-trace";
import { summarizeRun } from "./index";

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

/** A short tick run on a VM: 4 ms ticks, a 50 ms stall every second at +80 ms (RT throttling). */
function stallRun(periods: number, seed: number) {
  return syntheticSampleBatches({
    samples: Math.round((periods * 1e9) / 70_000),
    baselineNs: 70_000,
    tickPeriodNs: 4_000_000,
    tickCostNs: 4_000,
    spikePeriodNs: 1e9,
    spikePhaseNs: 80e6,
    spikeNs: 50e6,
    seed,
  });
}

/** Takes the stall out of one period: the sample that holds it gets the baseline's duration. */
function dropStall(batches: SampleBatch[], period: number, baselineNs: number) {
  let dropped = 0;
  for (const b of batches)
    b.duration.forEach((d, i) => {
      if (d > 10e6 && Math.floor(b.ts[i] / 1e9) === period) {
        b.duration[i] = baselineNs;
        dropped++;
      }
    });
  expect(dropped).toBe(1);
}

describe("a once-a-second stall on short runs", () => {
  for (const periods of [5, 6, 7])
    for (const missing of [null, 2]) {
      const name = `${periods} periods${missing === null ? "" : `, the stall of period ${missing} missing`}`;
      it(`finds the 1 s period and its +80 ms phase: ${name}`, async () => {
        const { batches, truth } = stallRun(periods, 20 + periods);
        if (missing !== null) dropStall(batches, missing, truth.baselineNs);
        const summary = await summarizeRun(batches, { test: "tick" });
        const family = summary.periodicSpikes[0];
        expect(family).toBeDefined();
        expect(rel(family.periodNs, truth.spikePeriodNs!)).toBeLessThan(0.01);
        expect(Math.abs(family.phaseNs - truth.spikePhaseNs)).toBeLessThan(0.01 * truth.spikePeriodNs!);
        const held = Math.floor((truth.lastTs - truth.spikePhaseNs) / 1e9) + 1 - (missing === null ? 0 : 1);
        expect(family.occurrences).toBe(held);
        expect(rel(family.magnitudeNs, truth.spikeNs)).toBeLessThan(0.1);
      });
    }
});

describe("random spikes alone", () => {
  for (const [seconds, perSecond] of [
    [7, 1],
    [7, 3],
    [7, 10],
    [20, 2],
    [40, 0.5],
  ])
    for (const seed of [1, 2, 3])
      it(`yield no period: ${perSecond} per second over ${seconds} s, seed ${seed}`, async () => {
        const { batches } = syntheticSampleBatches({
          samples: Math.round((seconds * 1e9) / 70_000),
          baselineNs: 70_000,
          tickPeriodNs: 4_000_000,
          tickCostNs: 4_000,
          spikePeriodNs: null,
          spikeNs: 50e6,
          noiseSpikesPerSecond: perSecond,
          seed,
        });
        const summary = await summarizeRun(batches, { test: "tick" });
        expect(summary.spikes.ts.length).toBeGreaterThan(0);
        expect(summary.periodicSpikes).toEqual([]);
      });
});

async function sampleBatches(path: string, fromNs: number, toNs: number): Promise<SampleBatch[]> {
  const out: SampleBatch[] = [];
  let row = 0;
  for await (const b of readRunBatches(new Uint8Array(readFileSync(path)), path)) {
    const keep = Array.from(b.ts.keys()).filter((i) => b.ts[i] >= fromNs && b.ts[i] < toNs);
    if (!keep.length) continue;
    out.push({
      index: out.length,
      firstRow: row,
      ts: Float64Array.from(keep, (i) => b.ts[i]),
      duration: Float64Array.from(keep, (i) => b.duration[i]),
    });
    row += keep.length;
  }
  return out;
}

describe("the shipped samples: RT throttling stalls the tick loop every sched_rt_period_us", () => {
  for (const bundle of ["kvm-matrix", "kvm-tick-memory-load"]) {
    const manifest = JSON.parse(readFileSync(`samples/${bundle}/manifest.json`, "utf8"));
    const rtPeriodNs = manifest.host.sched_rt_period_us * 1000;
    for (const [fromS, toS] of [
      [0, Infinity],
      [0, 7.2],
      [4, 11.2],
    ])
      it(`${bundle}: the tick run from ${fromS} s to ${toS} s has the ${rtPeriodNs / 1e9} s period`, async () => {
        const batches = await sampleBatches(`samples/${bundle}/runs/tick.arrow`, fromS * 1e9, toS * 1e9);
        const summary = await summarizeRun(batches, { test: "tick" });
        const family = summary.periodicSpikes[0];
        expect(family).toBeDefined();
        expect(rel(family.periodNs, rtPeriodNs)).toBeLessThan(0.01);
        expect(family.magnitudeNs).toBeGreaterThan(30e6);
      });
  }
});
