/**
 * The attribution's rule (attribution.ts) done the slow, obvious way, as the oracle for the one-pass
 * sweep: for each sample every event of the run is checked, the sample cut at every edge, and each
 * stretch given to the first RT throttle covering it, else to the covering event that started last (of
 * two starting together, the shorter; of exact twins, the later in the file). No cursor, no state.
 */
import type { SampleBatch } from "../../format/run-reader";
import { addCauses, apportion, dominantKind, type Cause, type EventIntervals } from "../attribution";
import {
  CAUSE_KINDS,
  familyOf,
  TickClock,
  WORST_ATTRIBUTED,
  type AttributedSample,
  type AttributionInput,
  type CauseTally,
  type RunAttribution,
} from "../run-attribution";

/** The time events explain inside [t, end), by kind and name, in the order each cause is first met in time. */
export function bruteForceExplain(events: EventIntervals, t: number, end: number): Cause[] {
  const { ts, end: ends, kind, name } = events;
  const cuts = new Set([t, end]);
  for (let i = 0; i < ts.length; i++) {
    if (ts[i] > t && ts[i] < end) cuts.add(ts[i]);
    if (ends[i] > t && ends[i] < end) cuts.add(ends[i]);
  }
  const edges = [...cuts].sort((a, b) => a - b);
  const causes = new Map<string, Cause>();
  for (let s = 0; s + 1 < edges.length; s++) {
    const [a, b] = [edges[s], edges[s + 1]];
    let owner = -1;
    for (let i = 0; i < ts.length && owner < 0; i++)
      if (kind[i] === "throttle" && ts[i] <= a && ends[i] >= b) owner = i;
    if (owner < 0)
      for (let i = 0; i < ts.length; i++) {
        if (!(ts[i] <= a && ends[i] >= b)) continue;
        if (owner < 0 || ts[i] > ts[owner] || (ts[i] === ts[owner] && ends[i] <= ends[owner])) owner = i;
      }
    if (owner < 0) continue;
    const key = `${kind[owner]}:${name[owner]}`;
    const have = causes.get(key);
    if (have) have.ns += b - a;
    else causes.set(key, { kind: kind[owner], name: name[owner], ns: b - a });
  }
  return [...causes.values()];
}

function tally(samples: { lost: number; causes: Cause[] }[]): CauseTally {
  const by = new Map<string, Cause>();
  for (const s of samples) addCauses(by, s.causes);
  const causes = [...by.values()].sort((a, b) => b.ns - a.ns);
  const lostNs = samples.reduce((sum, s) => sum + s.lost, 0);
  return { samples: samples.length, lostNs, causes, cause: dominantKind(causes) };
}

/** A run's attribution (run-attribution.ts's answer) with every sample's causes from `bruteForceExplain`. */
export function bruteForceAttribution(batches: SampleBatch[], input: AttributionInput): RunAttribution {
  const { summary, events } = input;
  const ticks = new TickClock(summary.tick);
  const spikeD = Number.isFinite(summary.spikes.thresholdNs)
    ? summary.offsetNs + summary.spikes.thresholdNs
    : Infinity;
  const counted: { t: number; d: number; lost: number; causes: Cause[]; tick: boolean; family: number }[] =
    [];
  for (const batch of batches)
    for (let i = 0; i < batch.ts.length; i++) {
      const t = batch.ts[i];
      const d = Number(batch.duration[i]);
      const tick = ticks.holdsTick(t, t + d);
      const spike = d > spikeD;
      const causes = apportion(bruteForceExplain(events, t, t + d), d - summary.offsetNs);
      if (!tick && !spike && causes.every((c) => c.kind === "unexplained")) continue;
      const family = spike ? familyOf(summary.periodicSpikes, t) : -1;
      counted.push({ t, d, lost: Math.max(0, d - summary.offsetNs), causes, tick: tick && !spike, family });
    }
  const total = tally(counted);
  const byKind = Object.fromEntries(CAUSE_KINDS.map((k) => [k, 0])) as Record<Cause["kind"], number>;
  for (const c of total.causes) byKind[c.kind] += c.ns;
  const worst: AttributedSample[] = [...counted]
    .sort((a, b) => b.d - a.d || a.t - b.t)
    .slice(0, WORST_ATTRIBUTED)
    .map((s) => ({ ts: s.t, durationNs: s.d, causes: s.causes }));
  return {
    total,
    byKind,
    explainedShare: total.lostNs > 0 ? (total.lostNs - byKind.unexplained) / total.lostNs : NaN,
    tick: summary.tick && summary.tick.periodNs > 0 ? tally(counted.filter((s) => s.tick)) : null,
    families: summary.periodicSpikes.map((_, f) => tally(counted.filter((s) => s.family === f))),
    worst,
    stealNs: input.steal ? input.steal.stealNs.reduce((s, v) => s + v, 0) : null,
  };
}
