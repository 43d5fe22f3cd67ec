// The attribution as it was before the typed one-pass sweep (issue #11's leftover): per interrupted
// sample, the open events' edges in a Set, sorted, and each stretch's owner summed in Maps, then
// apportioned as objects. Kept only as the benchmark's naive baseline; lib/analysis/run-attribution.ts
// is the one the product uses, and the suite checks both answer the same.
import {
  addCauses,
  apportion,
  dominantKind,
  type Cause,
  type EventIntervals,
} from "../../lib/analysis/attribution";
import {
  familyOf,
  TickClock,
  WORST_ATTRIBUTED,
  type AttributedSample,
  type AttributionInput,
  type CauseTally,
} from "../../lib/analysis/run-attribution";

class SetSortMapCursor {
  private next = 0;
  private open: number[] = [];

  constructor(private readonly events: EventIntervals) {}

  mayOverlap(t: number, end: number): boolean {
    if (this.open.length) return true;
    const { ts } = this.events;
    return this.next < ts.length && ts[this.next] < end;
  }

  explain(t: number, end: number): Cause[] {
    const { ts, end: ends } = this.events;
    while (this.next < ts.length && ts[this.next] < end) this.open.push(this.next++);
    const open = this.open;
    let kept = 0;
    for (const i of open) if (ends[i] > t && ends[i] > ts[i]) open[kept++] = i;
    open.length = kept;
    if (kept === 0) return [];
    if (kept === 1) {
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

class MapTally {
  samples = 0;
  lostNs = 0;
  readonly causes = new Map<string, Cause>();
  add(lostNs: number, causes: Cause[]): void {
    this.samples++;
    this.lostNs += lostNs;
    addCauses(this.causes, causes);
  }
  result(): CauseTally {
    const causes = [...this.causes.values()].sort((a, b) => b.ns - a.ns);
    return { samples: this.samples, lostNs: this.lostNs, causes, cause: dominantKind(causes) };
  }
}

/** The old builder's counting (total, tick, families, worst); the rest of RunAttribution is the same. */
export class SetSortMapAttribution {
  private readonly cursor: SetSortMapCursor;
  private readonly ticks: TickClock;
  private readonly spikeD: number;
  readonly total = new MapTally();
  readonly tick = new MapTally();
  readonly families: MapTally[];
  readonly worst: AttributedSample[] = [];

  constructor(private readonly input: AttributionInput) {
    const { summary } = input;
    this.cursor = new SetSortMapCursor(input.events);
    this.ticks = new TickClock(summary.tick);
    const threshold = summary.spikes.thresholdNs;
    this.spikeD = Number.isFinite(threshold) ? summary.offsetNs + threshold : Infinity;
    this.families = summary.periodicSpikes.map(() => new MapTally());
  }

  add(batch: { ts: Float64Array; duration: ArrayLike<number> }): void {
    const offset = this.input.summary.offsetNs;
    for (let i = 0; i < batch.ts.length; i++) {
      const t = batch.ts[i];
      const d = batch.duration[i];
      const isTick = this.ticks.holdsTick(t, t + d);
      const isSpike = d > this.spikeD;
      if (!isTick && !isSpike && !this.cursor.mayOverlap(t, t + d)) continue;
      const causes = apportion(this.cursor.explain(t, t + d), d - offset);
      if (!isTick && !isSpike && !causes.some((c) => c.kind !== "unexplained")) continue;
      const lost = Math.max(0, d - offset);
      this.total.add(lost, causes);
      if (isTick && !isSpike) this.tick.add(lost, causes);
      if (isSpike) {
        const f = familyOf(this.input.summary.periodicSpikes, t);
        if (f >= 0) this.families[f].add(lost, causes);
      }
      const w = this.worst;
      if (w.length === WORST_ATTRIBUTED && d <= w[w.length - 1].durationNs) continue;
      w.push({ ts: t, durationNs: d, causes });
      w.sort((a, b) => b.durationNs - a.durationNs || a.ts - b.ts);
      if (w.length > WORST_ATTRIBUTED) w.pop();
    }
  }
}
