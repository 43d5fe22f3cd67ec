import { describe, expect, it } from "vitest";
import type { EventKind } from "../format/events-contract";
import { EventCursor, type EventIntervals } from "./attribution";
import { attributeRun } from "./run-attribution";
import { byKey, generatedRun, intervals } from "./testing/attribution-fixtures";
import { bruteForceAttribution, bruteForceExplain } from "./testing/brute-force-attribution";

/** A small seeded generator (mulberry32), so a failure repeats. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CAUSES: [EventKind, string][] = [
  ["irq", "eth0"],
  ["irq", "virtio0-input"],
  ["softirq", "NET_RX"],
  ["softirq", "TIMER"],
  ["ipi", "CALL_FUNCTION"],
  ["nmi", "perf"],
  ["thread", "kworker/1:2"],
  ["tick", "local_timer"],
];

/**
 * The generated run's events with `count` more laid over them at random: nested and overlapping, some
 * spanning several samples, some starting on a sample's start, exact twins of another cause, empty
 * ones, and RT throttling now and then; sorted by start as an events file is.
 */
function withRandomEvents(base: EventIntervals, sampleTs: number[], count: number, seed: number) {
  const next = random(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)];
  const first = sampleTs[0];
  const span = sampleTs[sampleTs.length - 1] - first;
  const rows: [number, number, EventKind, string][] = [];
  for (let i = 0; i < base.ts.length; i++) rows.push([base.ts[i], base.end[i], base.kind[i], base.name[i]]);
  for (let n = 0; n < count; n++) {
    const r = next();
    const start = r < 0.2 ? pick(sampleTs) : first + Math.round(next() * span);
    const length =
      r < 0.05
        ? Math.round(1e6 + next() * 20e6) // a throttle-sized stall
        : r < 0.15
          ? Math.round(next() * 300_000) // across samples
          : r < 0.18
            ? 0
            : Math.round(200 + next() * 20_000);
    const [kind, name] = r < 0.05 ? (["throttle", "sched_rt_runtime"] as const) : pick(CAUSES);
    rows.push([start, start + length, kind, name]);
    if (next() < 0.05) rows.push([start, start + length, ...pick(CAUSES)]);
  }
  rows.sort((a, b) => a[0] - b[0]);
  return intervals(rows);
}

describe("the one-pass sweep against a brute-force oracle", () => {
  async function randomRun(seed: number) {
    const run = await generatedRun({
      samples: 30_000,
      tickPeriodNs: 4_000_000,
      tickCostNs: 8_000,
      spikePeriodNs: 250_000_000,
      spikeNs: 20_000_000,
      seed,
      events: {
        irqInTick: { name: "virtio1-input", ns: 1_000 },
        softirqAfterTick: { name: "TIMER", ns: 3_000, overlapNs: 500 },
        spike: { kind: "throttle", name: "sched_rt_runtime", share: 0.9 },
      },
    });
    const sampleTs = run.batches.flatMap((b) => [...b.ts]);
    return { ...run, events: withRandomEvents(run.events, sampleTs, 1_500, seed) };
  }

  it("explains every sample exactly as the rule done by brute force, for random nested and overlapping events", async () => {
    for (const seed of [1, 2, 3]) {
      const { batches, events } = await randomRun(seed);
      const cursor = new EventCursor(events);
      let checked = 0;
      let busy = 0;
      for (const batch of batches)
        for (let i = 0; i < batch.ts.length; i++) {
          const t = batch.ts[i];
          const end = t + Number(batch.duration[i]);
          const got = cursor.explain(t, end);
          const want = bruteForceExplain(events, t, end);
          if (want.length > 1) busy++;
          expect(got, `seed ${seed}, sample at ${t}`).toEqual(want);
          checked++;
        }
      expect(checked).toBe(30_000);
      // The samples with several causes are the sweep's hard case: there must be many.
      expect(busy).toBeGreaterThan(200);
    }
  });

  it("gives a run's attribution (totals, tick, families, worst) equal to the oracle's, to the bit", async () => {
    for (const seed of [4, 5]) {
      const { batches, summary, events } = await randomRun(seed);
      expect(summary.periodicSpikes.length).toBeGreaterThan(0);
      const input = { summary, events, steal: null };
      const got = await attributeRun(batches, input);
      const want = bruteForceAttribution(batches, input);
      expect(got).toEqual(want);
      expect(Object.keys(byKey(got.total.causes)).length).toBeGreaterThan(8);
    }
  });
});
