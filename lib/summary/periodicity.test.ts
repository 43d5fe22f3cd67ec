import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readRunBatches, type SampleBatch } from "../format/run-reader";
import { syntheticSampleBatches } from "../format/testing/synthetic-trace";
import { detectPeriodicSpikes, summarizeRun } from "./index";

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

describe("a real 7 s tick capture on a busy 2-CPU KVM guest (RT throttling, sched_rt_period_us=1000000)", () => {
  // Its spike list as captured by \`tickscope collect matrix --duration 7s\`: [s, overhead ms]. The
  // throttling stall is split, shortened or moved by up to 20 ms when other work shares the CPU.
  const spikes: [number, number][] = [
    [0.429093, 0.244],
    [0.577123, 0.871],
    [0.579031, 23.479],
    [0.60258, 0.299],
    [0.604587, 26.55],
    [1.57905, 29.233],
    [1.614125, 0.542],
    [1.618475, 2.668],
    [1.621284, 9.413],
    [1.631795, 0.439],
    [1.658291, 0.494],
    [1.683196, 0.192],
    [1.6913, 1.361],
    [1.694697, 0.201],
    [1.712007, 0.178],
    [1.733112, 1.452],
    [1.734978, 0.328],
    [1.76048, 0.21],
    [1.774397, 1.007],
    [2.04482, 0.166],
    [2.429038, 0.257],
    [2.583033, 19.018],
    [2.745608, 1.266],
    [2.862519, 20.224],
    [2.893209, 0.225],
    [2.894302, 0.294],
    [2.899273, 1.678],
    [2.901448, 0.899],
    [2.903043, 0.163],
    [2.905196, 0.197],
    [2.909283, 3.96],
    [2.936331, 0.712],
    [2.946621, 0.943],
    [2.961319, 1.052],
    [2.972879, 0.483],
    [2.987018, 3.014],
    [2.994797, 2.031],
    [3.00825, 10.886],
    [3.149054, 0.227],
    [3.549086, 0.477],
    [3.598995, 2.988],
    [3.975992, 0.228],
    [3.981087, 1.26],
    [3.982691, 0.816],
    [3.983718, 0.273],
    [3.984345, 0.174],
    [3.991791, 1.181],
    [3.993326, 0.266],
    [3.99366, 0.892],
    [3.997253, 0.854],
    [3.998318, 0.334],
    [4.004477, 0.171],
    [4.283016, 0.708],
    [4.50907, 0.228],
    [4.56299, 38.976],
    [5.22901, 0.242],
    [5.549037, 0.45],
    [5.551051, 52.901],
    [5.788999, 0.26],
    [6.509005, 0.214],
    [6.553041, 51.457],
  ];
  it("finds the 1 s period among the smaller spikes", () => {
    const ts = Float64Array.from(spikes, ([s]) => s * 1e9);
    const overhead = Float64Array.from(spikes, ([, ms]) => ms * 1e6);
    const [family] = detectPeriodicSpikes(ts, overhead, 0, 0, 7000029892);
    expect(family).toBeDefined();
    expect(rel(family.periodNs, 1e9)).toBeLessThan(0.01);
    expect(family.occurrences).toBeGreaterThanOrEqual(6);
    expect(family.magnitudeNs).toBeGreaterThan(15e6);
  });
});
