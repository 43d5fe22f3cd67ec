/**
 * What interrupted each sample: the in-guest kernel events (docs/bundle-format.md, "Kernel events")
 * laid over the samples, and the rest as **unexplained** (time the guest did not run: the
 * hypervisor, SMI, firmware).
 *
 * - A sample covers [ts, ts + duration). The time it **lost** is its overhead (value-kind.ts): the
 *   duration minus the run's baseline for tick runs, the latency itself for switch runs; never below 0.
 * - The events explain the time they overlap the sample. Where events nest or overlap, each instant
 *   counts once, for the most recently started event still open (of two starting together, the
 *   shorter): an IRQ inside a tick is the IRQ's
 *   time, and the tick keeps only the rest of its interval. RT throttling is the exception: it is why
 *   the CPU went to other work, so whatever ran inside a throttle interval (other threads, IRQs)
 *   counts as throttling.
 * - When the events explain more than the sample lost (the baseline's own jitter), their shares are
 *   scaled down to the lost time; what they do not explain is `unexplained`.
 *
 * Samples are walked once, in order, beside one cursor over the events (sorted by start), so a run of
 * 50M samples costs one pass and the events one read.
 */
import type { EventKind } from "../format/events-contract";

export type CauseKind = EventKind | "unexplained";

export interface Cause {
  kind: CauseKind;
  name: string;
  ns: number;
}

/** Event intervals in the run's time base, sorted by start (lib/format `RunEvents` fits). */
export interface EventIntervals {
  ts: Float64Array;
  end: Float64Array;
  kind: readonly EventKind[];
  name: readonly string[];
}

/** Walks samples in order and says which events cover each one, and for how long. */
export class EventCursor {
  private next = 0;
  private open: number[] = [];

  constructor(private readonly events: EventIntervals) {}

  /** True when an event might overlap [t, end): cheap, for skipping quiet samples. */
  mayOverlap(t: number, end: number): boolean {
    if (this.open.length) return true;
    const { ts } = this.events;
    return this.next < ts.length && ts[this.next] < end;
  }

  /**
   * The time events explain inside [t, end), by event (innermost wins), as causes grouped by kind and
   * name. Calls must come with non-decreasing `t`.
   */
  explain(t: number, end: number): Cause[] {
    const { ts, end: ends } = this.events;
    while (this.next < ts.length && ts[this.next] < end) this.open.push(this.next++);
    const open = this.open;
    let kept = 0;
    for (const i of open) if (ends[i] > t && ends[i] > ts[i]) open[kept++] = i;
    open.length = kept;
    if (kept === 0) return [];
    if (kept === 1) {
      // The common case (one tick, one IRQ): its overlap, no sweep.
      const i = open[0];
      const ns = Math.min(ends[i], end) - Math.max(ts[i], t);
      return [{ kind: this.events.kind[i], name: this.events.name[i], ns }];
    }
    const inside = open.filter((i) => ts[i] < end);
    const points = new Set<number>([t, end]);
    for (const i of inside) {
      if (ts[i] > t) points.add(ts[i]);
      if (ends[i] < end) points.add(ends[i]);
    }
    const edges = [...points].sort((a, b) => a - b);
    const byEvent = new Map<number, number>();
    for (let s = 0; s + 1 < edges.length; s++) {
      const a = edges[s];
      const b = edges[s + 1];
      let owner = -1;
      for (const i of inside)
        if (this.events.kind[i] === "throttle" && ts[i] <= a && ends[i] >= b) {
          owner = i;
          break;
        }
      if (owner < 0)
        for (const i of inside)
          if (
            ts[i] <= a &&
            ends[i] >= b &&
            (owner < 0 || ts[i] > ts[owner] || (ts[i] === ts[owner] && ends[i] <= ends[owner]))
          )
            owner = i;
      if (owner >= 0) byEvent.set(owner, (byEvent.get(owner) ?? 0) + (b - a));
    }
    const causes = new Map<string, Cause>();
    for (const [i, ns] of byEvent) {
      const kind = this.events.kind[i];
      const name = this.events.name[i];
      const key = `${kind}\u0000${name}`;
      const cause = causes.get(key);
      if (cause) cause.ns += ns;
      else causes.set(key, { kind, name, ns });
    }
    return [...causes.values()];
  }
}

/**
 * A sample's causes: the events' shares of the time it lost (scaled down when they explain more
 * than that), and the rest as `unexplained`; largest first.
 */
export function apportion(explained: Cause[], lostNs: number): Cause[] {
  const lost = Math.max(0, lostNs);
  const total = explained.reduce((s, c) => s + c.ns, 0);
  const scale = total > lost ? lost / total : 1;
  const out = explained.map((c) => ({ ...c, ns: c.ns * scale })).filter((c) => c.ns > 0);
  const rest = lost - total * scale;
  if (rest > 0) out.push({ kind: "unexplained", name: "", ns: rest });
  return out.sort((a, b) => b.ns - a.ns);
}

/** The causes of one sample [t, t + durationNs) that lost `durationNs - offsetNs`. */
export function sampleCauses(cursor: EventCursor, t: number, durationNs: number, offsetNs: number): Cause[] {
  return apportion(cursor.explain(t, t + durationNs), durationNs - offsetNs);
}

/** Adds causes into a tally keyed by kind and name. */
export function addCauses(into: Map<string, Cause>, causes: readonly Cause[]): void {
  for (const c of causes) {
    const key = `${c.kind}\u0000${c.name}`;
    const have = into.get(key);
    if (have) have.ns += c.ns;
    else into.set(key, { ...c });
  }
}

/** The kind holding the most time among causes (ties: the first met), or null if none. */
export function dominantKind(causes: Iterable<Cause>): CauseKind | null {
  const byKind = new Map<CauseKind, number>();
  for (const c of causes) byKind.set(c.kind, (byKind.get(c.kind) ?? 0) + c.ns);
  let best: CauseKind | null = null;
  let bestNs = 0;
  for (const [kind, ns] of byKind)
    if (ns > bestNs) {
      best = kind;
      bestNs = ns;
    }
  return best;
}
