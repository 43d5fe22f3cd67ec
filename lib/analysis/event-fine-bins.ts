/**
 * A run's kernel events as a fixed table of fine time bins, filled while the events file's batches go
 * by (the streamed attribution's one pass): per bin and kind, the time that kind's events cover there
 * (each event its own overlap, innermost not resolved) and how many start there. The bins' width is a
 * power-of-two multiple of a base; when an event reaches past the table, the width doubles (adjacent
 * bins summed), so the table costs the same whatever the run's length. A window whose pixel step is at
 * least one bin is answered from it in columns of whole bins, so every number is exact.
 */
import { EVENT_KINDS, type EventKind } from "../format/events-contract";
import type { EventColumns } from "../format/event-columns";
import { asColumns, type EventIntervals } from "./attribution";

/**
 * 2^16: a 24 h run's bin is 2.15 s (1,024 ns × 2^21, as for any run of 19.5–39 h), so its 60-min window
 * in 1500 columns (2.4 s a pixel) is answered from the table; narrower windows (< 54 min, < ~1.7M events
 * at 540 a second) walk the batches. 5.25 MiB per run (2^15 bins of Float64 counts took 3.5 MiB).
 */
export const FINE_BINS = 2 ** 16;
/** A power of two (ns), so that every bin edge and width is an exact integer. */
export const FINE_BASE_NS = 2 ** 10;

const KINDS = EVENT_KINDS.length;
const MAX_COUNT = 2 ** 32 - 1;

function tooMany(at: number): never {
  throw new Error(`more than ${MAX_COUNT} events of one kind start in one fine bin (at ${at} ns)`);
}

/** Columns of whole bins over [t0, t1) (the asked window snapped outward to their edges), row-major, a value per kind. */
export interface FineColumns {
  t0: number;
  t1: number;
  columns: number;
  kinds: EventKind[];
  busyNs: Float64Array;
  events: Float64Array;
}

export class EventFineBins {
  /**
   * Per bin (row-major, a value per kind of EVENT_KINDS): the ns covered (exact integers below 2^53),
   * the events started (a count of one bin and kind; past 2^32 - 1 is an error, never a wrapped count).
   */
  private readonly busyNs: Float64Array;
  private readonly starts: Uint32Array;
  /** The first bin's start: the first event's start, down to a multiple of the base (NaN before any event). */
  private origin = NaN;
  private width: number;

  constructor(
    readonly bins = FINE_BINS,
    private readonly baseNs = FINE_BASE_NS,
  ) {
    if (bins % 2 || bins < 2) throw new Error(`the fine bins' count must be even, not ${bins}`);
    this.busyNs = new Float64Array(bins * KINDS);
    this.starts = new Uint32Array(bins * KINDS);
    this.width = baseNs;
  }

  /** The table's own memory (allocated once, up front). */
  get byteLength(): number {
    return this.busyNs.byteLength + this.starts.byteLength;
  }

  /** One bin's width now (ns). */
  get binNs(): number {
    return this.width;
  }

  /** Adds a batch of events (in start order, as the events file holds them). */
  add(batch: EventIntervals | EventColumns): void {
    const { ts, end, kind } = asColumns(batch);
    for (let i = 0; i < ts.length; i++) this.addEvent(ts[i], end[i], kind[i]);
  }

  private addEvent(a: number, b: number, k: number): void {
    if (Number.isNaN(this.origin)) this.origin = Math.floor(a / this.baseNs) * this.baseNs;
    const { origin } = this;
    if (!(a >= origin)) throw new Error(`events out of start order: ${a} after ${origin}`);
    while (a >= origin + this.bins * this.width || b > origin + this.bins * this.width) this.widen();
    const w = this.width;
    const first = Math.floor((a - origin) / w);
    const started = this.starts[first * KINDS + k] + 1;
    if (started > MAX_COUNT) tooMany(a);
    this.starts[first * KINDS + k] = started;
    for (let bin = first, lo = origin + first * w; lo < b; bin++, lo += w)
      this.busyNs[bin * KINDS + k] += Math.min(b, lo + w) - Math.max(a, lo);
  }

  /** Doubles the width: bins 2i and 2i + 1 become bin i. */
  private widen(): void {
    const half = this.bins / 2;
    for (const table of [this.busyNs, this.starts]) {
      for (let i = 0; i < half; i++)
        for (let k = 0; k < KINDS; k++) {
          const sum = table[2 * i * KINDS + k] + table[(2 * i + 1) * KINDS + k];
          if (table === this.starts && sum > MAX_COUNT) tooMany(this.origin + 2 * i * this.width);
          table[i * KINDS + k] = sum;
        }
      table.fill(0, half * KINDS);
    }
    this.width *= 2;
  }

  /**
   * [t0, t1) in at most `columns` (+2) columns of whole bins, each at least a pixel wide, their edges
   * multiples of the column width from the table's start (a pan keeps them); null when a pixel is
   * narrower than a bin (or no event was added).
   */
  columns(t0: number, t1: number, columns: number): FineColumns | null {
    const { origin, width: w } = this;
    const step = (t1 - t0) / Math.max(1, Math.floor(columns));
    if (Number.isNaN(origin) || !(step >= w)) return null;
    const per = Math.ceil(step / w);
    const first = Math.floor(Math.floor((t0 - origin) / w) / per) * per;
    const last = Math.ceil((t1 - origin) / w);
    const n = Math.max(1, Math.ceil((last - first) / per));
    const busyNs = new Float64Array(n * KINDS);
    const events = new Float64Array(n * KINDS);
    for (let c = 0; c < n; c++)
      for (let bin = Math.max(0, first + c * per); bin < Math.min(this.bins, first + (c + 1) * per); bin++)
        for (let k = 0; k < KINDS; k++) {
          busyNs[c * KINDS + k] += this.busyNs[bin * KINDS + k];
          events[c * KINDS + k] += this.starts[bin * KINDS + k];
        }
    return {
      t0: origin + first * w,
      t1: origin + (first + n * per) * w,
      columns: n,
      kinds: [...EVENT_KINDS],
      busyNs,
      events,
    };
  }
}
