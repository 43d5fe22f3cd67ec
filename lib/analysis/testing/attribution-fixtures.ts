/**
 * What the attribution tests share: event intervals from rows, causes keyed `kind:name`, and a generated
 * tick run whose every lost nanosecond has a known cause (lib/format/testing/synthetic-trace.ts) with
 * its summary and events.
 */
import { EVENT_KINDS, type EventKind } from "../../format/events-contract";
import { syntheticSampleBatches, type SyntheticTraceOptions } from "../../format/testing/synthetic-trace";
import { summarizeRun } from "../../summary";
import type { Cause, EventIntervals } from "../attribution";

export function intervals(rows: [number, number, EventKind, string][]): EventIntervals {
  return {
    ts: Float64Array.from(rows, (r) => r[0]),
    end: Float64Array.from(rows, (r) => r[1]),
    kind: rows.map((r) => r[2]),
    name: rows.map((r) => r[3]),
  };
}

/** Causes as `{ "kind:name": ns, unexplained: ns }`. */
/** The events cut into batches of `size` (the last shorter), as a streamed events file holds them. */
export function batchesOf(events: EventIntervals, size: number): EventIntervals[] {
  const out: EventIntervals[] = [];
  for (let at = 0; at < events.ts.length; at += size)
    out.push({
      ts: events.ts.slice(at, at + size),
      end: events.end.slice(at, at + size),
      kind: events.kind.slice(at, at + size),
      name: events.name.slice(at, at + size),
    });
  return out;
}

/** Each event against each column of the bins' own window: the time each kind covers, the events starting there. */
export function columnsByBruteForce(
  events: EventIntervals,
  bins: { t0: number; t1: number; columns: number },
) {
  const K = EVENT_KINDS.length;
  const busyNs = new Float64Array(bins.columns * K);
  const started = new Float64Array(bins.columns * K);
  const width = (bins.t1 - bins.t0) / bins.columns;
  for (let c = 0; c < bins.columns; c++) {
    const lo = bins.t0 + c * width;
    const hi = c === bins.columns - 1 ? bins.t1 : lo + width;
    for (let i = 0; i < events.ts.length; i++) {
      const k = EVENT_KINDS.indexOf(events.kind[i]);
      const overlap = Math.min(events.end[i], hi) - Math.max(events.ts[i], lo);
      if (overlap > 0) busyNs[c * K + k] += overlap;
      if (events.ts[i] >= lo && events.ts[i] < hi) started[c * K + k]++;
    }
  }
  return { busyNs: [...busyNs], events: [...started] };
}

export const byKey = (causes: Iterable<Pick<Cause, "kind" | "name" | "ns">>) =>
  Object.fromEntries(
    [...causes].map((c) => [c.kind === "unexplained" ? "unexplained" : `${c.kind}:${c.name}`, c.ns]),
  );

/** A 4 ms tick with an IRQ nested in it and a softirq overlapping its end, and 50 ms spikes 97% RT throttling. */
export const RUN_WITH_KNOWN_CAUSES: SyntheticTraceOptions = {
  samples: 120_000,
  jitterNs: 0,
  tickPeriodNs: 4_000_000,
  tickCostNs: 8_000,
  spikePeriodNs: 1_000_000_000,
  spikeNs: 50_000_000,
  events: {
    irqInTick: { name: "virtio1-input", ns: 1_000 },
    softirqAfterTick: { name: "TIMER", ns: 3_000, overlapNs: 500 },
    spike: { kind: "throttle", name: "sched_rt_runtime", share: 0.97 },
  },
};

/** The generated run's batches, its truth, its tick summary and its events as intervals. */
export async function generatedRun(options: SyntheticTraceOptions = RUN_WITH_KNOWN_CAUSES) {
  const { batches, truth } = syntheticSampleBatches(options);
  const summary = await summarizeRun(batches, { test: "tick" });
  const ev = truth.events!;
  const events = intervals(ev.ts.map((t, i) => [t, ev.end[i], ev.kind[i], ev.name[i]]));
  return { batches, truth, summary, events };
}

/** A small seeded generator (mulberry32), so a failure repeats. */
export function random(seed: number): () => number {
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
export function withRandomEvents(base: EventIntervals, sampleTs: number[], count: number, seed: number) {
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

/** A generated run (tick, throttled spikes) with 1,500 random events laid over its own. */
export async function randomRun(seed: number) {
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
