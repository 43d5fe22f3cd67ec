// The events track's walk over the events file's batches as it was before the typed columns (issue #12's
// follow-up): each batch read again decoded into per-event strings (kind and name) through an Arrow table,
// 4 batches cached, one visit per event and a Map lookup per event for its kind. Kept only as the
// benchmark's naive baseline; lib/workspace/events-window.ts (over lib/analysis/event-batch-index.ts) is
// the one the product uses, and the suite checks both answer the same.
import type { EventIntervals } from "../../lib/analysis/attribution";
import type { EventBatchEntry } from "../../lib/analysis/event-batch-index";
import { EVENT_KINDS, type EventKind } from "../../lib/format/events-contract";

const KIND_INDEX = new Map<EventKind, number>(EVENT_KINDS.map((k, i) => [k, i]));

export class StringBatchesWalk {
  private readonly cache = new Map<number, Promise<EventIntervals>>();

  constructor(
    private readonly entries: readonly EventBatchEntry[],
    private readonly load: (batch: number) => Promise<EventIntervals>,
    private readonly cached = 4,
  ) {}

  private batch(b: number): Promise<EventIntervals> {
    let got = this.cache.get(b);
    if (got) this.cache.delete(b);
    else got = this.load(b);
    this.cache.set(b, got);
    while (this.cache.size > this.cached) this.cache.delete(this.cache.keys().next().value!);
    return got;
  }

  private span(t0: number, t1: number): { from: number; to: number } {
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

  /** The window's count and per column and kind the busy ns and the events started (binned as the product bins). */
  async window(t0: number, t1: number, columns: number) {
    const kinds = EVENT_KINDS.length;
    const busyNs = new Float64Array(columns * kinds);
    const events = new Float64Array(columns * kinds);
    const step = (t1 - t0) / columns;
    let count = 0;
    const { from, to } = this.span(t0, t1);
    for (let b = from; b < to; b++) {
      const e = await this.batch(b);
      for (let i = 0; i < e.ts.length && e.ts[i] < t1; i++) {
        if (!(e.end[i] > t0)) continue;
        count++;
        const k = KIND_INDEX.get(e.kind[i])!;
        const a = Math.max(e.ts[i], t0);
        const bEnd = Math.min(e.end[i], t1);
        const first = Math.min(columns - 1, Math.floor((a - t0) / step));
        const last = Math.min(columns - 1, Math.floor((bEnd - t0) / step));
        if (e.ts[i] >= t0) events[first * kinds + k]++;
        for (let c = first; c <= last; c++) {
          const lo = Math.max(a, t0 + c * step);
          const hi = Math.min(bEnd, t0 + (c + 1) * step);
          if (hi > lo) busyNs[c * kinds + k] += hi - lo;
        }
      }
    }
    return { count, busyNs, events };
  }
}
