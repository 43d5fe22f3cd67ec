/**
 * What the attribution tests share: event intervals from rows, causes keyed `kind:name`, and a generated
 * tick run whose every lost nanosecond has a known cause (lib/format/testing/synthetic-trace.ts) with
 * its summary and events.
 */
import type { EventKind } from "../../format/events-contract";
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
