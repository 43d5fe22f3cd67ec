/**
 * A run's kernel events for questions about one stretch of time (the events overlapping [t0, t1), the
 * causes of one sample), answered from the events file's batches without holding the file: per batch,
 * its first start and the latest end of any interval in it or before it (non-decreasing), so the
 * batches that can overlap a window are found by bisection and only they are read, as typed columns.
 * A few batches are kept, the most recently used; a walk's batches between its two ends are decoded into
 * one scratch instead.
 */
import { EVENT_KINDS } from "../format/events-contract";
import { EventScratch, type EventColumns } from "../format/event-columns";
import { EventCursor, sampleCauses, type Cause, type EventIntervals } from "./attribution";
import type { EventFineBins } from "./event-fine-bins";

export interface EventBatchEntry {
  firstTs: number;
  lastTs: number;
  /** The latest end of any interval in this batch or an earlier one. */
  reach: number;
  rows: number;
}

/** Visits each event overlapping [t0, t1) in start order: `events` holds it at `i`. */
export type VisitEvent = (events: EventColumns, i: number) => void;

/**
 * Visits the events [from, to) of `events`, in start order: every event overlapping [t0, t1) is in one
 * such range, and each range's events start before t1, but some may end at or before t0 (the visitor
 * skips those). A tight loop over typed columns, no call per event.
 */
export type VisitRange = (events: EventColumns, from: number, to: number) => void;

/** What the timeline's events questions need of a run's events (held whole or read by batch). */
export interface EventWindowIndex {
  readonly size: number;
  /** The events' fine time bins, when they were filled as the events went by (zoomed-out windows). */
  readonly fine?: EventFineBins | null;
  forEachRangeIn(t0: number, t1: number, visit: VisitRange): void | Promise<void>;
  /** How many events overlap [t0, t1), exactly. */
  countIn(t0: number, t1: number): number | Promise<number>;
  causesOf(ts: number, durationNs: number, offsetNs: number): Cause[] | Promise<Cause[]>;
}

/** Builds the entries (and fills the fine bins, when given) while the batches go by (in the streamed attribution's one pass). */
export class EventBatchEntries {
  readonly entries: EventBatchEntry[] = [];
  private reach = -Infinity;

  constructor(readonly fine: EventFineBins | null = null) {}

  add(batch: EventIntervals | EventColumns): void {
    const { ts, end } = batch;
    if (!ts.length) return;
    this.fine?.add(batch);
    for (let i = 0; i < end.length; i++) if (end[i] > this.reach) this.reach = end[i];
    this.entries.push({ firstTs: ts[0], lastTs: ts[ts.length - 1], reach: this.reach, rows: ts.length });
  }
}

export const CACHED_BATCHES = 4;
const SPARE_SCRATCH = 2;

export class EventBatchIndex implements EventWindowIndex {
  readonly size: number;
  /** The rows of the batches before each batch. */
  private readonly firstRows: Float64Array;
  private readonly cache = new Map<number, Promise<EventColumns>>();
  /** Scratch arrays of walks done, for the next walks (two walks may be under way at once). */
  private readonly spare: EventScratch[] = [];

  constructor(
    readonly entries: readonly EventBatchEntry[],
    /** Batch `b`'s columns; given `scratch`, they may be decoded into it (then they hold until its next use). */
    private readonly load: (batch: number, scratch?: EventScratch) => Promise<EventColumns>,
    private readonly cached = CACHED_BATCHES,
    readonly fine: EventFineBins | null = null,
  ) {
    this.firstRows = new Float64Array(entries.length);
    let rows = 0;
    entries.forEach((e, b) => {
      this.firstRows[b] = rows;
      rows += e.rows;
    });
    this.size = rows;
  }

  /** How many batches are held now (at most `cached`). */
  get heldBatches(): number {
    return this.cache.size;
  }

  private batch(b: number): Promise<EventColumns> {
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

  /**
   * The window's two end batches go through the cache (a pan or the count asks for them again); those
   * between, unless cached, are decoded one after another into one scratch, so that a walk over many
   * batches neither allocates per batch nor evicts the cache. The columns given to `visit` hold only
   * during the call.
   */
  async forEachRangeIn(t0: number, t1: number, visit: VisitRange): Promise<void> {
    const { from, to } = this.span(t0, t1);
    const scratch = this.spare.pop() ?? new EventScratch();
    try {
      for (let b = from; b < to; b++) {
        const between = b > from && b < to - 1 && !this.cache.has(b);
        const events = await (between ? this.load(b, scratch) : this.batch(b));
        visit(events, 0, b < to - 1 ? events.ts.length : firstAtOrAbove(events.ts, t1));
      }
    } finally {
      if (this.spare.length < SPARE_SCRATCH) this.spare.push(scratch);
    }
  }

  async forEachIn(t0: number, t1: number, visit: VisitEvent): Promise<void> {
    await this.forEachRangeIn(t0, t1, (events, from, to) => {
      for (let i = from; i < to; i++) if (events.end[i] > t0) visit(events, i);
    });
  }

  /**
   * How many events overlap [t0, t1): those starting before t1 less those ending at or before t0, so
   * that only the batches holding t0 and t1 are read, not those between (none for a window holding
   * every event).
   */
  async countIn(t0: number, t1: number): Promise<number> {
    if (!(t1 > t0)) {
      let n = 0;
      await this.forEachIn(t0, t1, () => n++);
      return n;
    }
    return (await this.startedBefore(t1)) - (await this.endedBy(t0));
  }

  private async startedBefore(t: number): Promise<number> {
    const { entries } = this;
    let lo = 0;
    let hi = entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (entries[mid].firstTs >= t) hi = mid;
      else lo = mid + 1;
    }
    const b = lo - 1;
    if (b < 0) return 0;
    if (entries[b].lastTs < t) return this.firstRows[b] + entries[b].rows;
    return this.firstRows[b] + firstAtOrAbove((await this.batch(b)).ts, t);
  }

  /** Every event of the batches whose reach is at most t ended by then; of the rest, those starting by t are read. */
  private async endedBy(t: number): Promise<number> {
    const { entries } = this;
    let b = this.span(t, t).from;
    let n = b < entries.length ? this.firstRows[b] : this.size;
    for (; b < entries.length && entries[b].firstTs <= t; b++) {
      const { end } = await this.batch(b);
      for (let i = 0; i < end.length; i++) if (end[i] <= t) n++;
    }
    return n;
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
      kind.push(EVENT_KINDS[e.kind[i]]);
      name.push(e.name(i));
    });
    return { ts: Float64Array.from(ts), end: Float64Array.from(end), kind, name };
  }

  /** As EventIndex.causesOf: the causes of the sample [ts, ts + durationNs), largest first. */
  async causesOf(ts: number, durationNs: number, offsetNs: number): Promise<Cause[]> {
    const cursor = new EventCursor(await this.slice(ts, ts + durationNs));
    return sampleCauses(cursor, ts, durationNs, offsetNs);
  }
}

/** The first index whose value is at least x (values non-decreasing). */
export function firstAtOrAbove(values: Float64Array, x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid] >= x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
