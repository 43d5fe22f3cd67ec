/**
 * A run's kernel events for questions about one stretch of time (the events overlapping [t0, t1), the
 * causes of one sample), answered from the events file's batches without holding the file: per batch,
 * its first start and the latest end of any interval in it or before it (non-decreasing), so the
 * batches that can overlap a window are found by bisection and only they are read. A few batches are
 * kept, the most recently used.
 */
import { EventCursor, sampleCauses, type Cause, type EventIntervals } from "./attribution";

export interface EventBatchEntry {
  firstTs: number;
  /** The latest end of any interval in this batch or an earlier one. */
  reach: number;
  rows: number;
}

/** Visits each event overlapping [t0, t1) in start order: `events` holds it at `i`. */
export type VisitEvent = (events: EventIntervals, i: number) => void;

/** What the timeline's events questions need of a run's events (held whole or read by batch). */
export interface EventWindowIndex {
  readonly size: number;
  forEachIn(t0: number, t1: number, visit: VisitEvent): void | Promise<void>;
  causesOf(ts: number, durationNs: number, offsetNs: number): Cause[] | Promise<Cause[]>;
}

/** Builds the entries while the batches go by (in the streamed attribution's one pass). */
export class EventBatchEntries {
  readonly entries: EventBatchEntry[] = [];
  private reach = -Infinity;

  add(batch: EventIntervals): void {
    const { ts, end } = batch;
    if (!ts.length) return;
    for (let i = 0; i < end.length; i++) if (end[i] > this.reach) this.reach = end[i];
    this.entries.push({ firstTs: ts[0], reach: this.reach, rows: ts.length });
  }
}

export const CACHED_BATCHES = 4;

export class EventBatchIndex implements EventWindowIndex {
  readonly size: number;
  private readonly cache = new Map<number, Promise<EventIntervals>>();

  constructor(
    readonly entries: readonly EventBatchEntry[],
    private readonly load: (batch: number) => Promise<EventIntervals>,
    private readonly cached = CACHED_BATCHES,
  ) {
    this.size = entries.reduce((n, e) => n + e.rows, 0);
  }

  /** How many batches are held now (at most `cached`). */
  get heldBatches(): number {
    return this.cache.size;
  }

  private batch(b: number): Promise<EventIntervals> {
    let got = this.cache.get(b);
    if (got) this.cache.delete(b);
    else {
      got = this.load(b);
      got.catch(() => this.cache.delete(b));
    }
    this.cache.set(b, got);
    while (this.cache.size > this.cached) this.cache.delete(this.cache.keys().next().value!);
    return got;
  }

  /** The batches [from, to) that may hold an event overlapping [t0, t1). */
  span(t0: number, t1: number): { from: number; to: number } {
    const { entries } = this;
    let lo = 0;
    let hi = entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (entries[mid].reach > t0) hi = mid;
      else lo = mid + 1;
    }
    const from = lo;
    hi = entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (entries[mid].firstTs >= t1) hi = mid;
      else lo = mid + 1;
    }
    return { from, to: lo };
  }

  async forEachIn(t0: number, t1: number, visit: VisitEvent): Promise<void> {
    const { from, to } = this.span(t0, t1);
    for (let b = from; b < to; b++) {
      const events = await this.batch(b);
      const { ts, end } = events;
      for (let i = 0; i < ts.length && ts[i] < t1; i++) if (end[i] > t0) visit(events, i);
    }
  }

  /** The events overlapping [t0, t1), as intervals of their own (sorted by start). */
  async slice(t0: number, t1: number): Promise<EventIntervals> {
    const ts: number[] = [];
    const end: number[] = [];
    const kind: EventIntervals["kind"][number][] = [];
    const name: string[] = [];
    await this.forEachIn(t0, t1, (e, i) => {
      ts.push(e.ts[i]);
      end.push(e.end[i]);
      kind.push(e.kind[i]);
      name.push(e.name[i]);
    });
    return { ts: Float64Array.from(ts), end: Float64Array.from(end), kind, name };
  }

  /** As EventIndex.causesOf: the causes of the sample [ts, ts + durationNs), largest first. */
  async causesOf(ts: number, durationNs: number, offsetNs: number): Promise<Cause[]> {
    const cursor = new EventCursor(await this.slice(ts, ts + durationNs));
    return sampleCauses(cursor, ts, durationNs, offsetNs);
  }
}
