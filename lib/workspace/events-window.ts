/**
 * The timeline's events track for one window (the run worker's answer): every event overlapping the
 * window when there are few, else per pixel column and kind the time events of that kind cover
 * (innermost not resolved: each event counts its own overlap) and how many there are. An hour holds
 * millions of events; the answer is never larger than the columns.
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
  const exact = { ts: [] as number[], end: [] as number[], kind: [] as EventKind[], name: [] as string[] };
  let count = 0;
  await index.forEachIn(t0, t1, (e, i) => {
    count++;
    if (count > exactBelow) return;
    exact.ts.push(e.ts[i]);
    exact.end.push(e.end[i]);
    exact.kind.push(e.kind[i]);
    exact.name.push(e.name[i]);
  });
  if (count <= exactBelow)
    return {
      t0,
      t1,
      count,
      exact: { ...exact, ts: Float64Array.from(exact.ts), end: Float64Array.from(exact.end) },
      bins: null,
    };
  const kinds = EVENT_KINDS.length;
  const busyNs = new Float64Array(columns * kinds);
  const events = new Float64Array(columns * kinds);
  const step = (t1 - t0) / columns;
  const kindIndex = new Map<EventKind, number>(EVENT_KINDS.map((k, i) => [k, i]));
  await index.forEachIn(t0, t1, (e, i) => {
    const k = kindIndex.get(e.kind[i])!;
    const a = Math.max(e.ts[i], t0);
    const b = Math.min(e.end[i], t1);
    const first = Math.min(columns - 1, Math.floor((a - t0) / step));
    const last = Math.min(columns - 1, Math.floor((b - t0) / step));
    events[first * kinds + k]++;
    for (let c = first; c <= last; c++) {
      const from = Math.max(a, t0 + c * step);
      const to = Math.min(b, t0 + (c + 1) * step);
      if (to > from) busyNs[c * kinds + k] += to - from;
    }
  });
  return { t0, t1, count, exact: null, bins: { columns, kinds: [...EVENT_KINDS], busyNs, events } };
}
