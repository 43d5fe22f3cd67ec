/**
 * A run's kernel events, indexed for questions about one stretch of time: which events overlap
 * [t0, t1), and what took the lost time of any one sample (attribution.ts's rule, the same as the
 * run's one-pass attribution gives it). Built once per run in O(n); each question costs a binary
 * search and the events it returns.
 */
import { EventCursor, sampleCauses, type Cause, type EventIntervals } from "./attribution";
import { eventColumnsOf, type EventColumns } from "../format/event-columns";
import { firstAtOrAbove, type EventWindowIndex, type VisitEvent, type VisitRange } from "./event-batch-index";

export class EventIndex implements EventWindowIndex {
  /** The latest end among events 0..i: non-decreasing, so the first event that may reach t0 is found by bisection. */
  private readonly reach: Float64Array;
  private readonly columns: EventColumns;

  constructor(readonly events: EventIntervals) {
    this.columns = eventColumnsOf(events);
    const { end } = events;
    this.reach = new Float64Array(end.length);
    let latest = -Infinity;
    for (let i = 0; i < end.length; i++) {
      if (end[i] > latest) latest = end[i];
      this.reach[i] = latest;
    }
  }

  get size(): number {
    return this.events.ts.length;
  }

  /** The range [from, to) of event indexes that holds every event overlapping [t0, t1) (and maybe some that end before t0). */
  span(t0: number, t1: number): { from: number; to: number } {
    return { from: firstAbove(this.reach, t0), to: firstAtOrAbove(this.events.ts, t1) };
  }

  /** Calls `visit` with each event overlapping [t0, t1), in start order. */
  forEachIn(t0: number, t1: number, visit: VisitEvent): void {
    const { columns } = this;
    const { end } = columns;
    const { from, to } = this.span(t0, t1);
    for (let i = from; i < to; i++) if (end[i] > t0) visit(columns, i);
  }

  forEachRangeIn(t0: number, t1: number, visit: VisitRange): void {
    const { from, to } = this.span(t0, t1);
    visit(this.columns, from, to);
  }

  countIn(t0: number, t1: number): number {
    let n = 0;
    this.forEachIn(t0, t1, () => n++);
    return n;
  }

  /** The events overlapping [t0, t1), as intervals of their own (sorted by start). */
  slice(t0: number, t1: number): EventIntervals {
    const picked: number[] = [];
    this.forEachIn(t0, t1, (_, i) => picked.push(i));
    const { ts, end, kind, name } = this.events;
    return {
      ts: Float64Array.from(picked, (i) => ts[i]),
      end: Float64Array.from(picked, (i) => end[i]),
      kind: picked.map((i) => kind[i]),
      name: picked.map((i) => name[i]),
    };
  }

  /**
   * The causes of the sample [ts, ts + durationNs) that lost `durationNs - offsetNs` (its overhead):
   * the events' shares, the unexplained rest; largest first.
   */
  causesOf(ts: number, durationNs: number, offsetNs: number): Cause[] {
    const cursor = new EventCursor(this.slice(ts, ts + durationNs));
    return sampleCauses(cursor, ts, durationNs, offsetNs);
  }
}

function firstAbove(values: Float64Array, x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid] > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
