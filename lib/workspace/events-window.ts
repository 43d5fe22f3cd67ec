/**
 * The timeline's events track for one window (the run worker's answer): every event overlapping the
 * window when there are few, else per column and kind the time events of that kind cover (innermost
 * not resolved: each event counts its own overlap) and how many start there. Zoomed out (a pixel at
 * least one of the run's fine bins), the columns are whole fine bins, read from the table filled in
 * the attribution's pass; narrower, the events are walked once over typed columns (a range of a batch
 * at a time), binned per pixel column and kept while few. An hour holds millions of events; the answer
 * is never larger than the columns (+2).
 */
import type { EventWindowIndex } from "../analysis/event-batch-index";
import { EVENT_KINDS, type EventKind } from "../format/events-contract";
import type { EventsWindow } from "./types";

/** At most this many events are sent one by one; more are binned. */
export const EXACT_EVENTS_MAX = 2000;

export async function eventsWindow(
  index: EventWindowIndex,
  request: { t0: number; t1: number; columns: number; exactBelow?: number },
): Promise<EventsWindow> {
  const { t0, t1 } = request;
  const columns = Math.max(1, Math.floor(request.columns));
  const exactBelow = request.exactBelow ?? EXACT_EVENTS_MAX;
  const fine = index.fine?.columns(t0, t1, columns) ?? null;
  if (fine) {
    // The count is exact for the window asked, from the batches at its two ends (not the fine bins).
    const count = await index.countIn(t0, t1);
    if (count > exactBelow) return { t0, t1, count, exact: null, bins: fine };
  }
  return walked(index, t0, t1, columns, exactBelow);
}

/** One walk over the window's events, column by column of each batch: each kept while there are few, each binned per pixel column. */
async function walked(
  index: EventWindowIndex,
  t0: number,
  t1: number,
  columns: number,
  exactBelow: number,
): Promise<EventsWindow> {
  // The first events, copied while few (the columns visited hold only during the visit).
  const exact = { ts: [] as number[], end: [] as number[], kind: [] as EventKind[], name: [] as string[] };
  const kinds = EVENT_KINDS.length;
  const busyNs = new Float64Array(columns * kinds);
  const events = new Float64Array(columns * kinds);
  const step = (t1 - t0) / columns;
  let count = 0;
  await index.forEachRangeIn(t0, t1, (e, from, to) => {
    const { ts, end, kind } = e;
    for (let i = from; i < to; i++) {
      if (!(end[i] > t0)) continue;
      count++;
      if (count <= exactBelow) {
        exact.ts.push(ts[i]);
        exact.end.push(end[i]);
        exact.kind.push(EVENT_KINDS[kind[i]]);
        exact.name.push(e.name(i));
      }
      const k = kind[i];
      const a = Math.max(ts[i], t0);
      const b = Math.min(end[i], t1);
      const first = Math.min(columns - 1, Math.floor((a - t0) / step));
      const last = Math.min(columns - 1, Math.floor((b - t0) / step));
      if (ts[i] >= t0) events[first * kinds + k]++;
      for (let c = first; c <= last; c++) {
        const lo = Math.max(a, t0 + c * step);
        const hi = Math.min(b, t0 + (c + 1) * step);
        if (hi > lo) busyNs[c * kinds + k] += hi - lo;
      }
    }
  });
  if (count <= exactBelow)
    return {
      t0,
      t1,
      count,
      exact: { ...exact, ts: Float64Array.from(exact.ts), end: Float64Array.from(exact.end) },
      bins: null,
    };
  return {
    t0,
    t1,
    count,
    exact: null,
    bins: { t0, t1, columns, kinds: [...EVENT_KINDS], busyNs, events },
  };
}
