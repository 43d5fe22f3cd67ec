/**
 * A run's attribution (attribution.ts), built in one pass over its samples in order:
 *
 * - the samples counted are the **interrupted** ones: every sample an event overlaps, every spike
 *   (value above the summary's spike threshold) and every tick sample; the baseline's jitter on the
 *   other samples is noise, not lost time;
 * - **tick samples** are those holding an instant where the summary's tick estimate puts a tick
 *   (phase + k × period), spikes aside (a spike swallows the ticks that fall inside it);
 * - a spike belongs to a periodic family when it lies within 2% of the family's period of its phase;
 * - `worst`: the 10 counted samples of largest duration, with their causes.
 */
import type { EventKind } from "../format/events-contract";
import type { PeriodicSpikes, RunSummary, TickEstimate } from "../summary";
import {
  addCauses,
  dominantKind,
  EventCursor,
  sampleCauses,
  type Cause,
  type CauseKind,
  type EventIntervals,
} from "./attribution";

export const WORST_ATTRIBUTED = 10;
const FAMILY_TOLERANCE = 0.02;
const TICK_GAP_NS = 1_000;

export interface AttributedSample {
  ts: number;
  durationNs: number;
  causes: Cause[];
}

export interface CauseTally {
  samples: number;
  lostNs: number;
  /** By kind and name, largest first. */
  causes: Cause[];
  /** The kind holding most of the lost time (`unexplained` included), or null when nothing was lost. */
  cause: CauseKind | null;
}

export interface RunAttribution {
  /** Every interrupted sample together. */
  total: CauseTally;
  byKind: Record<CauseKind, number>;
  /** Share of the lost time that events explain (NaN when nothing was lost). */
  explainedShare: number;
  tick: CauseTally | null;
  /** One per `summary.periodicSpikes` family, in its order. */
  families: CauseTally[];
  worst: AttributedSample[];
  /** Steal time over the run (the steal table's sum), or null without a steal table. */
  stealNs: number | null;
}

export interface AttributionInput {
  summary: Pick<RunSummary, "offsetNs" | "spikes" | "tick" | "periodicSpikes">;
  events: EventIntervals;
  steal?: { stealNs: Float64Array } | null;
}

export const CAUSE_KINDS: readonly CauseKind[] = [
  "tick",
  "irq",
  "softirq",
  "ipi",
  "nmi",
  "thread",
  "throttle",
  "unexplained",
] satisfies readonly (EventKind | "unexplained")[];

class Tally {
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

function familyOf(families: readonly PeriodicSpikes[], t: number): number {
  for (let f = 0; f < families.length; f++) {
    const { periodNs, phaseNs } = families[f];
    const r = (((t - phaseNs) % periodNs) + periodNs) % periodNs;
    if (Math.min(r, periodNs - r) <= FAMILY_TOLERANCE * periodNs) return f;
  }
  return -1;
}

/** Feed it the run's samples in order (`add` per batch), then `finish()`. */
export class RunAttributionBuilder {
  private readonly cursor: EventCursor;
  private readonly offset: number;
  private readonly spikeD: number;
  private readonly tickEstimate: TickEstimate | null;
  private nextTick = Infinity;
  private readonly total = new Tally();
  private readonly tick = new Tally();
  private readonly families: Tally[];
  private worst: AttributedSample[] = [];

  constructor(private readonly input: AttributionInput) {
    const { summary } = input;
    this.cursor = new EventCursor(input.events);
    this.offset = summary.offsetNs;
    const threshold = summary.spikes.thresholdNs;
    this.spikeD = Number.isFinite(threshold) ? summary.offsetNs + threshold : Infinity;
    this.tickEstimate = summary.tick && summary.tick.periodNs > 0 ? summary.tick : null;
    if (this.tickEstimate) this.nextTick = this.tickEstimate.phaseNs;
    this.families = summary.periodicSpikes.map(() => new Tally());
  }

  add(batch: { ts: Float64Array; duration: ArrayLike<number> }): void {
    const { ts, duration } = batch;
    for (let i = 0; i < ts.length; i++) {
      const t = ts[i];
      const d = duration[i];
      const end = t + d;
      let isTick = false;
      if (this.nextTick < end) {
        // A tick instant that fell between two samples (the gap) marks the next one.
        isTick = this.nextTick >= t - TICK_GAP_NS;
        const period = this.tickEstimate!.periodNs;
        this.nextTick += Math.ceil((end - this.nextTick) / period) * period;
      }
      const isSpike = d > this.spikeD;
      if (!isTick && !isSpike && !this.cursor.mayOverlap(t, end)) continue;
      const causes = sampleCauses(this.cursor, t, d, this.offset);
      if (!isTick && !isSpike && !causes.some((c) => c.kind !== "unexplained")) continue;
      const lost = Math.max(0, d - this.offset);
      this.total.add(lost, causes);
      if (isTick && !isSpike) this.tick.add(lost, causes);
      if (isSpike) {
        const f = familyOf(this.input.summary.periodicSpikes, t);
        if (f >= 0) this.families[f].add(lost, causes);
      }
      this.keepWorst(t, d, causes);
    }
  }

  private keepWorst(ts: number, durationNs: number, causes: Cause[]): void {
    const w = this.worst;
    if (w.length === WORST_ATTRIBUTED && durationNs <= w[w.length - 1].durationNs) return;
    w.push({ ts, durationNs, causes });
    w.sort((a, b) => b.durationNs - a.durationNs || a.ts - b.ts);
    if (w.length > WORST_ATTRIBUTED) w.pop();
  }

  finish(): RunAttribution {
    const total = this.total.result();
    const byKind = Object.fromEntries(CAUSE_KINDS.map((k) => [k, 0])) as Record<CauseKind, number>;
    for (const c of total.causes) byKind[c.kind] += c.ns;
    const steal = this.input.steal;
    return {
      total,
      byKind,
      explainedShare: total.lostNs > 0 ? (total.lostNs - byKind.unexplained) / total.lostNs : NaN,
      tick: this.tickEstimate ? this.tick.result() : null,
      families: this.families.map((f) => f.result()),
      worst: this.worst,
      stealNs: steal ? steal.stealNs.reduce((s, v) => s + v, 0) : null,
    };
  }
}

/** The attribution of a run whose batches are given in order. */
export async function attributeRun(
  batches:
    | AsyncIterable<{ ts: Float64Array; duration: ArrayLike<number> }>
    | Iterable<{ ts: Float64Array; duration: ArrayLike<number> }>,
  input: AttributionInput,
): Promise<RunAttribution> {
  const builder = new RunAttributionBuilder(input);
  for await (const batch of batches) builder.add(batch);
  return builder.finish();
}
