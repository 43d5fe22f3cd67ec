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
 *
 * Tallies are typed arrays indexed by the cursor's cause numbers, so a sample costs its events' sweep
 * and no allocation; the answer is the one per-sample `apportion` and Maps of causes would give,
 * to the bit and in the same order.
 */
import type { EventColumns } from "../format/event-columns";
import type { EventKind } from "../format/events-contract";
import type { PeriodicSpikes, RunSummary, TickEstimate } from "../summary";
import {
  dominantKind,
  EventCursor,
  UNEXPLAINED,
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

/** The same, with the events given batch by batch to a cursor of their own (`attributeRunStreamed`). */
export type StreamedAttributionInput = Omit<AttributionInput, "events">;

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

/** Lost time by cause, one slot per cause number (EventCursor's; the unexplained rest in slot 0). */
class Tally {
  samples = 0;
  lostNs = 0;
  private ns = new Float64Array(8);
  private seen = new Uint8Array(8);
  /** Causes in the order first met, as a Map of them would hold them. */
  private readonly order: number[] = [];

  add(lostNs: number, causes: SampleCauses): void {
    this.samples++;
    this.lostNs += lostNs;
    for (let k = 0; k < causes.count; k++) {
      const c = causes.id[k];
      const slot = c + 1;
      if (slot >= this.ns.length) this.grow(slot);
      if (!this.seen[slot]) {
        this.seen[slot] = 1;
        this.order.push(c);
      }
      this.ns[slot] += causes.ns[k];
    }
  }

  private grow(slot: number): void {
    const size = Math.max(2 * this.ns.length, slot + 1);
    const ns = new Float64Array(size);
    ns.set(this.ns);
    const seen = new Uint8Array(size);
    seen.set(this.seen);
    this.ns = ns;
    this.seen = seen;
  }

  result(cursor: EventCursor): CauseTally {
    const causes = this.order.map((c) => causeAt(cursor, c, this.ns[c + 1])).sort((a, b) => b.ns - a.ns);
    return { samples: this.samples, lostNs: this.lostNs, causes, cause: dominantKind(causes) };
  }
}

/** One sample's causes (apportion's answer, largest first), in arrays reused from sample to sample. */
class SampleCauses {
  count = 0;
  id = new Int32Array(8);
  ns = new Float64Array(8);
  /** Whether any event explains part of the lost time (beside the unexplained rest). */
  explained = false;

  /** apportion(cursor.explain(t, end), lost), from the cursor's last sweep, with no objects. */
  apportion(cursor: EventCursor, lost: number): void {
    const { touched, found, nsOf } = cursor;
    if (found + 1 > this.id.length) {
      this.id = new Int32Array(2 * (found + 1));
      this.ns = new Float64Array(2 * (found + 1));
    }
    let total = 0;
    for (let k = 0; k < found; k++) total += nsOf[touched[k]];
    const scale = total > lost ? lost / total : 1;
    let n = 0;
    for (let k = 0; k < found; k++) {
      const ns = nsOf[touched[k]] * scale;
      if (ns > 0) {
        this.id[n] = touched[k];
        this.ns[n++] = ns;
      }
    }
    this.explained = n > 0;
    const rest = lost - total * scale;
    if (rest > 0) {
      this.id[n] = UNEXPLAINED;
      this.ns[n++] = rest;
    }
    this.count = n;
    // Largest first, ties in the order met (a stable sort of a handful).
    for (let i = 1; i < n; i++) {
      const id = this.id[i];
      const ns = this.ns[i];
      let j = i - 1;
      while (j >= 0 && this.ns[j] < ns) {
        this.id[j + 1] = this.id[j];
        this.ns[j + 1] = this.ns[j];
        j--;
      }
      this.id[j + 1] = id;
      this.ns[j + 1] = ns;
    }
  }

  list(cursor: EventCursor): Cause[] {
    const out: Cause[] = [];
    for (let k = 0; k < this.count; k++) out.push(causeAt(cursor, this.id[k], this.ns[k]));
    return out;
  }
}

function causeAt(cursor: EventCursor, c: number, ns: number): Cause {
  return c === UNEXPLAINED
    ? { kind: "unexplained", name: "", ns }
    : { kind: cursor.causeKind[c], name: cursor.causeName[c], ns };
}

/** The periodic family a spike at `t` belongs to (within 2% of its period of its phase), or -1. */
export function familyOf(families: readonly PeriodicSpikes[], t: number): number {
  for (let f = 0; f < families.length; f++) {
    const { periodNs, phaseNs } = families[f];
    const r = (((t - phaseNs) % periodNs) + periodNs) % periodNs;
    if (Math.min(r, periodNs - r) <= FAMILY_TOLERANCE * periodNs) return f;
  }
  return -1;
}

/** Says which samples hold a tick instant of the run's tick estimate, walking them in order. */
export class TickClock {
  private nextTick = Infinity;
  private readonly periodNs: number;

  constructor(tick: TickEstimate | null) {
    this.periodNs = tick && tick.periodNs > 0 ? tick.periodNs : 0;
    if (tick && this.periodNs > 0) this.nextTick = tick.phaseNs;
  }

  /** The next tick instant: a sample ending at or before it holds none. */
  get nextInstant(): number {
    return this.nextTick;
  }

  /** Whether the sample [t, end) holds a tick instant; calls must come in order. */
  holdsTick(t: number, end: number): boolean {
    if (this.nextTick >= end) return false;
    // A tick instant that fell between two samples (the gap) marks the next one.
    const isTick = this.nextTick >= t - TICK_GAP_NS;
    this.nextTick += Math.ceil((end - this.nextTick) / this.periodNs) * this.periodNs;
    return isTick;
  }
}

/**
 * Feed it the run's samples in order (`add` per batch), then `finish()`. With events given whole, `add`
 * takes each batch at once; with a cursor fed batch by batch, `addFrom` stops at the first sample the
 * events given so far cannot settle, for the caller to append the next events batch.
 */
export class RunAttributionBuilder {
  private readonly cursor: EventCursor;
  private readonly offset: number;
  private readonly spikeD: number;
  private readonly ticks: TickClock;
  private readonly hasTick: boolean;
  private readonly causes: SampleCauses;
  private readonly total: Tally;
  private readonly tick: Tally;
  private readonly families: Tally[];
  private worst: AttributedSample[] = [];

  constructor(input: AttributionInput);
  constructor(input: StreamedAttributionInput, cursor: EventCursor);
  constructor(
    private readonly input: StreamedAttributionInput & { events?: EventIntervals },
    cursor?: EventCursor,
  ) {
    const { summary } = input;
    this.cursor = cursor ?? new EventCursor(input.events);
    this.causes = new SampleCauses();
    this.total = new Tally();
    this.tick = new Tally();
    this.families = summary.periodicSpikes.map(() => new Tally());
    this.offset = summary.offsetNs;
    const threshold = summary.spikes.thresholdNs;
    this.spikeD = Number.isFinite(threshold) ? summary.offsetNs + threshold : Infinity;
    this.hasTick = !!summary.tick && summary.tick.periodNs > 0;
    this.ticks = new TickClock(summary.tick);
  }

  add(batch: { ts: Float64Array; duration: ArrayLike<number> }): void {
    if (this.addFrom(batch, 0) < batch.ts.length)
      throw new Error("the events of this attribution are not all given: append them first (addFrom)");
  }

  /**
   * Counts the batch's samples from `from` on; returns where it stopped: the batch's length, or the
   * first sample ending after the cursor's horizon (append more events, then call again from there).
   */
  addFrom(batch: { ts: Float64Array; duration: ArrayLike<number> }, from: number): number {
    const { ts, duration } = batch;
    const { cursor, ticks, spikeD } = this;
    const n = ts.length;
    const horizon = cursor.horizon;
    let i = from;
    while (i < n) {
      // Samples with no tick instant, no event and no spike are skipped at one comparison each.
      const quietUntil = Math.min(ticks.nextInstant, cursor.quietUntil());
      while (i < n && duration[i] <= spikeD && ts[i] + duration[i] <= quietUntil) i++;
      if (i === n) break;
      if (ts[i] + duration[i] > horizon) return i;
      this.count(ts[i], duration[i]);
      i++;
    }
    return n;
  }

  private count(t: number, d: number): void {
    const { cursor, causes } = this;
    const end = t + d;
    const isTick = this.ticks.holdsTick(t, end);
    const isSpike = d > this.spikeD;
    if (!isTick && !isSpike && !cursor.mayOverlap(t, end)) return;
    cursor.sweep(t, end);
    const lost = Math.max(0, d - this.offset);
    causes.apportion(cursor, lost);
    if (!isTick && !isSpike && !causes.explained) return;
    this.total.add(lost, causes);
    if (isTick && !isSpike) this.tick.add(lost, causes);
    if (isSpike) {
      const f = familyOf(this.input.summary.periodicSpikes, t);
      if (f >= 0) this.families[f].add(lost, causes);
    }
    this.keepWorst(t, d);
  }

  private keepWorst(ts: number, durationNs: number): void {
    const w = this.worst;
    if (w.length === WORST_ATTRIBUTED && durationNs <= w[w.length - 1].durationNs) return;
    w.push({ ts, durationNs, causes: this.causes.list(this.cursor) });
    w.sort((a, b) => b.durationNs - a.durationNs || a.ts - b.ts);
    if (w.length > WORST_ATTRIBUTED) w.pop();
  }

  finish(): RunAttribution {
    const total = this.total.result(this.cursor);
    const byKind = Object.fromEntries(CAUSE_KINDS.map((k) => [k, 0])) as Record<CauseKind, number>;
    for (const c of total.causes) byKind[c.kind] += c.ns;
    const steal = this.input.steal;
    return {
      total,
      byKind,
      explainedShare: total.lostNs > 0 ? (total.lostNs - byKind.unexplained) / total.lostNs : NaN,
      tick: this.hasTick ? this.tick.result(this.cursor) : null,
      families: this.families.map((f) => f.result(this.cursor)),
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

type SampleBatches =
  | AsyncIterable<{ ts: Float64Array; duration: ArrayLike<number> }>
  | Iterable<{ ts: Float64Array; duration: ArrayLike<number> }>;

/**
 * The attribution of a run whose batches and events batches are both given in order, walked together:
 * it holds one batch of each and the events still open, whatever the run's length, and gives exactly
 * what `attributeRun` gives with the events whole. The events batches not reached by the samples are
 * still read to the end (each is checked as it is read).
 */
export async function attributeRunStreamed(
  batches: SampleBatches,
  events: AsyncIterable<EventIntervals | EventColumns> | Iterable<EventIntervals | EventColumns>,
  input: StreamedAttributionInput,
  watch?: (cursor: EventCursor) => void,
): Promise<RunAttribution> {
  const cursor = new EventCursor();
  const builder = new RunAttributionBuilder(input, cursor);
  const more =
    Symbol.asyncIterator in events
      ? events[Symbol.asyncIterator]()
      : (events as Iterable<EventIntervals | EventColumns>)[Symbol.iterator]();
  const pull = async () => {
    const next = await more.next();
    if (next.done) cursor.finish();
    else cursor.append(next.value);
    watch?.(cursor);
  };
  for await (const batch of batches) {
    let i = 0;
    while ((i = builder.addFrom(batch, i)) < batch.ts.length) await pull();
  }
  // The rest is past the last sample: read (and so checked), not held.
  while (!(await more.next()).done);
  return builder.finish();
}
