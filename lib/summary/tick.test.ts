import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readRunBatches } from "../format/run-reader";
import { syntheticSampleBatches, type SyntheticTraceOptions } from "../format/testing/synthetic-trace";
import { estimateTick, localExcess, tickFootprint, TICK_WINDOW_SAMPLES } from "./tick";
import { summarizeRun } from "./summarize";

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

/** The first TICK_WINDOW_SAMPLES samples of a synthetic trace, as one stretch. */
function stretch(options: Omit<SyntheticTraceOptions, "samples">) {
  const { batches, truth } = syntheticSampleBatches({
    spikePeriodNs: null,
    ...options,
    samples: TICK_WINDOW_SAMPLES,
  });
  const ts = new Float64Array(TICK_WINDOW_SAMPLES);
  const du = new Float64Array(TICK_WINDOW_SAMPLES);
  let at = 0;
  for (const b of batches) {
    ts.set(b.ts, at);
    du.set(b.duration, at);
    at += b.ts.length;
  }
  return { ts, du, truth };
}

/** Distance between two phases on a circle of the period. */
function phaseDistance(a: number, b: number, period: number): number {
  const d = (((a - b) % period) + period) % period;
  return Math.min(d, period - d);
}

// A VM host that slows the loop: 60% of the time by 1.3-2x, in stretches of 30 ms on average.
const busyHost = { share: 0.6, factor: [1.3, 2] as [number, number], meanHoldNs: 30e6 };

describe("localExcess", () => {
  it("is each duration minus the median of the 17 around it", () => {
    const du = Float64Array.from({ length: 200 }, (_, i) => 1000 + (i % 7) * 10 + (i === 100 ? 5000 : 0));
    const excess = localExcess(du);
    for (const i of [8, 50, 100, 191]) {
      const around = Array.from(du.subarray(i - 8, i + 9)).sort((a, b) => a - b);
      expect(excess[i]).toBe(du[i] - around[8]);
    }
    const ends = Array.from(du.subarray(0, 17)).sort((a, b) => a - b);
    expect(excess[0]).toBe(du[0] - ends[8]);
  });
});

describe("the tick's fold, kept with the estimate", () => {
  it("places every sample of the stretch once, and the excess of the ticks where they fall", () => {
    const periodNs = 4e6;
    const costNs = 6000;
    const phaseNs = 3.1e6;
    const { ts, du, truth } = stretch({ tickPeriodNs: periodNs, tickCostNs: costNs, tickPhaseNs: phaseNs });
    const fold = estimateTick(ts, du)!.fold!;
    const bins = fold.samples.length;
    expect(fold.excessNs).toHaveLength(bins);
    expect(fold.samples.reduce((a, b) => a + b, 0)).toBe(TICK_WINDOW_SAMPLES);
    expect(rel(fold.binNs * bins, periodNs)).toBeLessThan(0.001);
    const middle = (b: number) => fold.startPhaseNs + (b + 0.5) * fold.binNs;
    // The sample holding a tick (the loop and the tick's cost) has its middle within half of it of the tick.
    const reach = (truth.baselineNs + costNs) / 2 + fold.binNs;
    const near = (b: number) => phaseDistance(middle(b), phaseNs, periodNs) <= reach;
    let held = 0;
    let heldSamples = 0;
    let elsewhere = 0;
    let elsewhereSamples = 0;
    for (let b = 0; b < bins; b++) {
      if (near(b)) {
        held += fold.excessNs[b];
        heldSamples += fold.samples[b];
      } else if (phaseDistance(middle(b), phaseNs, periodNs) > 2 * truth.baselineNs) {
        elsewhere += fold.excessNs[b];
        elsewhereSamples += fold.samples[b];
      }
    }
    const ticks = (ts[ts.length - 1] - ts[0]) / periodNs;
    const tickExcess = held - (elsewhere / elsewhereSamples) * heldSamples;
    expect(rel(tickExcess, costNs * ticks)).toBeLessThan(0.02);
    let peak = 0;
    for (let b = 1; b < bins; b++)
      if (fold.excessNs[b] / fold.samples[b] > fold.excessNs[peak] / fold.samples[peak]) peak = b;
    expect(near(peak)).toBe(true);
  });
});

describe("estimateTick on traces whose tick is known", () => {
  it.each([
    { name: "the study's 1 ms tick of 8 µs on a 68 µs loop", tickPeriodNs: 1e6, tickCostNs: 8000 },
    { name: "CONFIG_HZ=250: a 4 ms tick of 6 µs", tickPeriodNs: 4e6, tickCostNs: 6000, tickPhaseNs: 3.1e6 },
    { name: "CONFIG_HZ=100: a 10 ms tick of 5 µs", tickPeriodNs: 10e6, tickCostNs: 5000, tickPhaseNs: 7e6 },
    {
      name: "a 4 ms tick on a busy VM host: the loop slowed by up to 2x, 3% jitter",
      tickPeriodNs: 4e6,
      tickCostNs: 8000,
      jitterNs: 2000,
      slowdown: busyHost,
    },
  ])("$name: period and cost within 2%, phase within one loop", (options) => {
    const { ts, du, truth } = stretch({ seed: 11, ...options });
    const tick = estimateTick(ts, du);
    expect(tick).not.toBeNull();
    expect(rel(tick!.periodNs, truth.tickPeriodNs!)).toBeLessThan(0.02);
    expect(rel(tick!.costNs, truth.tickCostNs)).toBeLessThan(0.02);
    expect(phaseDistance(tick!.phaseNs, options.tickPhaseNs ?? 250_000, truth.tickPeriodNs!)).toBeLessThan(
      truth.baselineNs,
    );
    expect(tick!.regularity).toBeGreaterThan(0.9);
  });

  it("tells the guest's 4 ms tick from the host's 1 ms timer beside it, and what each costs", () => {
    const host = { periodNs: 1e6, phaseNs: 600_000, costNs: 6000 };
    const apart = stretch({ tickPeriodNs: 4e6, tickCostNs: 8000, hostTick: host, jitterNs: 1000, seed: 4 });
    const tick = estimateTick(apart.ts, apart.du);
    expect(rel(tick!.periodNs, 4e6)).toBeLessThan(0.02);
    expect(rel(tick!.costNs, 8000)).toBeLessThan(0.02);
    expect(phaseDistance(tick!.phaseNs, 250_000, 4e6)).toBeLessThan(68_000);

    // The guest's tick on top of one of the host's: the sample holding both takes 14 µs, the tick 8.
    const together = stretch({
      tickPeriodNs: 4e6,
      tickCostNs: 8000,
      hostTick: { ...host, phaseNs: 270_000 },
      jitterNs: 1000,
      seed: 4,
    });
    const shared = estimateTick(together.ts, together.du, { expectedPeriodNs: 4e6 });
    expect(rel(shared!.periodNs, 4e6)).toBeLessThan(0.02);
    expect(rel(shared!.costNs, 8000)).toBeLessThan(0.02);
  });

  it("does not call the host's 1 ms timer the 4 ms tick the fingerprint expects; without the hint it is the tick", () => {
    const { ts, du } = stretch({
      tickPeriodNs: null,
      hostTick: { periodNs: 1e6, phaseNs: 600_000, costNs: 6000 },
      jitterNs: 1000,
      seed: 9,
    });
    const hinted = estimateTick(ts, du, { expectedPeriodNs: 4e6 });
    expect(hinted === null || rel(hinted.periodNs, 1e6) < 0.02).toBe(true);
    const blind = estimateTick(ts, du);
    expect(rel(blind!.periodNs, 1e6)).toBeLessThan(0.02);
    expect(rel(blind!.costNs, 6000)).toBeLessThan(0.02);
  });

  it.each([1, 2, 3, 4, 5, 6])(
    "finds no tick where there is none (seed %i, busy host, 2 µs jitter)",
    (seed) => {
      const { ts, du } = stretch({
        tickPeriodNs: null,
        jitterNs: 2000,
        slowdown: seed % 2 ? busyHost : null,
        seed,
      });
      expect(estimateTick(ts, du)).toBeNull();
      expect(estimateTick(ts, du, { expectedPeriodNs: 4e6 })).toBeNull();
    },
  );
});

describe("the tick of real runs captured on a KVM guest (samples/, CONFIG_HZ in their fingerprint)", () => {
  it.each(["kvm-matrix", "kvm-tick-memory-load"])(
    "%s: the tick every 1/HZ, costing microseconds",
    async (bundle) => {
      const folder = join(__dirname, "../../samples", bundle);
      const manifest = JSON.parse(readFileSync(join(folder, "manifest.json"), "utf8"));
      const run = manifest.runs.find((r: { test: string }) => r.test === "tick");
      const file = join(folder, run.file);
      const hz = manifest.host.hz as number;
      const summary = await summarizeRun(readRunBatches(new Uint8Array(readFileSync(file)), file), {
        test: "tick",
        hz,
      });
      expect(summary.tick).not.toBeNull();
      expect(rel(summary.tick!.periodNs, 1e9 / hz)).toBeLessThan(0.02);
      // A timer interrupt that exits to the host and back costs microseconds, not nanoseconds or milliseconds.
      expect(summary.tick!.costNs).toBeGreaterThan(1000);
      expect(summary.tick!.costNs).toBeLessThan(100_000);
      expect(summary.tick!.regularity).toBeGreaterThan(0.6);
    },
  );
});

describe("tickFootprint", () => {
  it("puts the no-tick level at the window's own untouched samples and marks where the ticks fall", () => {
    // A loop slowed to 1.5x for the whole window: the levels follow it, not the run's 68 µs baseline.
    const { batches } = syntheticSampleBatches({
      samples: 200,
      baselineNs: 102_000,
      jitterNs: 0,
      tickPeriodNs: 4e6,
      tickPhaseNs: 1e6,
      tickCostNs: 8000,
      spikePeriodNs: null,
    });
    const { ts, duration } = batches[0];
    const footprint = tickFootprint(ts, duration, { periodNs: 4e6, phaseNs: 1e6, costNs: 8000 }, 3e6, 13.5e6);
    expect(footprint.instants).toEqual([5e6, 9e6, 13e6]);
    expect(footprint.noTickNs).toBe(102_000);
    expect(footprint.tickNs).toBe(110_000);
  });
});
