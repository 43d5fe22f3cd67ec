/**
 * What interrupted each sample: the in-guest kernel events (docs/bundle-format.md, "Kernel events")
 * laid over the samples, and the rest as **unexplained** (time the guest did not run: the
 * hypervisor, SMI, firmware).
 *
 * - A sample covers [ts, ts + duration). The time it **lost** is its overhead (value-kind.ts): the
 *   duration minus the run's baseline for tick runs, the latency itself for switch runs; never below 0.
 * - The events explain the time they overlap the sample. Where events nest or overlap, each instant
 *   counts once, for the most recently started event still open (of two starting together, the
 *   shorter): an IRQ inside a tick is the IRQ's
 *   time, and the tick keeps only the rest of its interval. RT throttling is the exception: it is why
 *   the CPU went to other work, so whatever ran inside a throttle interval (other threads, IRQs)
 *   counts as throttling.
 * - When the events explain more than the sample lost (the baseline's own jitter), their shares are
 *   scaled down to the lost time; what they do not explain is `unexplained`.
 *
 * Samples are walked once, in order, beside one cursor over the events (sorted by start), so a run of
 * 50M samples costs one pass and the events one read. The cursor numbers each event's cause once and
 * sweeps into typed arrays it keeps, so the pass allocates nothing per sample (`sweep`); `explain`
 * gives the same answer as objects.
 */
import { eventColumnsOf, type EventColumns } from "../format/event-columns";
import { EVENT_KINDS, type EventKind } from "../format/events-contract";

export type CauseKind = EventKind | "unexplained";

export interface Cause {
  kind: CauseKind;
  name: string;
  ns: number;
}

/** Event intervals in the run's time base, sorted by start (lib/format `RunEvents` fits). */
export interface EventIntervals {
  ts: Float64Array;
  end: Float64Array;
  kind: readonly EventKind[];
  name: readonly string[];
}

const RECENT_CAUSES = 4;
/** Up to this many causes of a kind, an event's is found by comparing names without making its a string. */
const FEW_NAMES = 32;

/** Events as typed columns (kinds as codes, names compared without strings), as given or converted. */
export function asColumns(events: EventIntervals | EventColumns): EventColumns {
  return typeof events.name === "function"
    ? (events as EventColumns)
    : eventColumnsOf(events as EventIntervals);
}

/** The cause number of the unexplained rest, beside the events' causes (0, 1, …). */
export const UNEXPLAINED = -1;

/**
 * Walks samples in order and says which events cover each one, and for how long. The events are given
 * whole (`new EventCursor(events)`) or batch by batch (`append`, then `finish`): then it holds only the
 * events not yet reached and those still open, whatever the run's length.
 */
export class EventCursor {
  /** Each held event's cause (its kind and name) as a number: `causeKind[c]`, `causeName[c]`. */
  causeOf = new Int32Array(0);
  readonly causeKind: CauseKind[] = [];
  readonly causeName: string[] = [];
  /** Each cause's kind as its code (its index in EVENT_KINDS). */
  private causeCode = new Uint8Array(8);
  private throttles = new Uint8Array(8);
  /**
   * After `sweep`: the causes it found, `found` of them in `touched` (in the order their first
   * stretch of time was met), each one's time in `nsOf`.
   */
  nsOf = new Float64Array(8);
  touched = new Int32Array(8);
  found = 0;
  /** The held events (`held` of them): those not reached yet, and those still open. */
  private ts = new Float64Array(0);
  private ends = new Float64Array(0);
  private held = 0;
  private next = 0;
  private open = new Int32Array(8);
  private openCount = 0;
  private edges = new Float64Array(16);
  private inside = new Int32Array(8);
  private byInside = new Float64Array(8);
  private firstMet = new Int32Array(8);
  /** Cause numbers by kind code, then name; and each kind code's, in the order met. */
  private readonly ids = new Map<number, Map<string, number>>();
  private readonly byCode: number[][] = [];
  // Events take turns among a few causes (a tick, its IRQ, a softirq): the last few are checked first.
  private readonly recent = new Int32Array(RECENT_CAUSES).fill(-1);
  private turn = 0;
  private finished = false;
  private lastTs = -Infinity;

  constructor(events?: EventIntervals | EventColumns) {
    if (!events) return;
    this.append(events);
    this.finish();
  }

  /** How many distinct causes the events given so far hold. */
  get causeCount(): number {
    return this.causeKind.length;
  }

  /** How many events the cursor holds now (for bounding memory). */
  get heldEvents(): number {
    return this.held;
  }

  /**
   * Samples ending at or before this time need no event not given yet: the last start given (all
   * later events start at or after it), or Infinity once `finish` said there are no more.
   */
  get horizon(): number {
    return this.finished ? Infinity : this.lastTs;
  }

  /**
   * The next events, sorted by start, none starting before the last given. Given as typed columns, a
   * name is made a string only for a cause not among the last few met.
   */
  append(given: EventIntervals | EventColumns): void {
    const n = given.ts.length;
    if (!n) return;
    const events = asColumns(given);
    this.compact(n);
    const at = this.held;
    this.ts.set(events.ts, at);
    this.ends.set(events.end, at);
    this.number(events, at);
    this.held += n;
    this.lastTs = events.ts[n - 1];
  }

  /** No more events will be given. */
  finish(): void {
    this.finished = true;
  }

  /** Drops the events passed and closed; makes room for `more`. */
  private compact(more: number): void {
    const keep = this.openCount + (this.held - this.next);
    const needed = keep + more;
    let ts = this.ts;
    let ends = this.ends;
    let causeOf = this.causeOf;
    if (needed > ts.length) {
      const size = Math.max(needed, 2 * keep, 1024);
      ts = new Float64Array(size);
      ends = new Float64Array(size);
      causeOf = new Int32Array(size);
    }
    // Open events keep their order (their indexes only grow), then the events not reached yet.
    let to = 0;
    for (let k = 0; k < this.openCount; k++) {
      const i = this.open[k];
      ts[to] = this.ts[i];
      ends[to] = this.ends[i];
      causeOf[to] = this.causeOf[i];
      this.open[k] = to++;
    }
    for (let i = this.next; i < this.held; i++) {
      ts[to] = this.ts[i];
      ends[to] = this.ends[i];
      causeOf[to] = this.causeOf[i];
      to++;
    }
    this.ts = ts;
    this.ends = ends;
    this.causeOf = causeOf;
    this.next = this.openCount;
    this.held = to;
  }

  private number(events: EventColumns, at: number): void {
    const { recent, causeOf } = this;
    const n = events.ts.length;
    numbering: for (let i = 0; i < n; i++) {
      const code = events.kind[i];
      for (let r = 0; r < RECENT_CAUSES; r++) {
        const c = recent[r];
        if (c >= 0 && this.causeCode[c] === code && events.nameIs(i, this.causeName[c])) {
          causeOf[at + i] = c;
          continue numbering;
        }
      }
      let id = this.knownCause(events, i, code);
      if (id < 0) {
        const name = events.name(i);
        let byName = this.ids.get(code);
        if (!byName) this.ids.set(code, (byName = new Map()));
        id = byName.get(name) ?? this.newCause(code, name, byName);
      }
      causeOf[at + i] = id;
      recent[this.turn] = id;
      this.turn = (this.turn + 1) % RECENT_CAUSES;
    }
  }

  /** Event i's cause among its kind's, compared by name without a string when the kind has few; else -1. */
  private knownCause(events: EventColumns, i: number, code: number): number {
    const ids = this.byCode[code];
    if (!ids || ids.length > FEW_NAMES) return -1;
    for (const c of ids) if (events.nameIs(i, this.causeName[c])) return c;
    return -1;
  }

  private newCause(code: number, name: string, byName: Map<string, number>): number {
    const id = this.causeKind.length;
    const kind = EVENT_KINDS[code];
    byName.set(name, id);
    (this.byCode[code] ??= []).push(id);
    this.causeKind.push(kind);
    this.causeName.push(name);
    if (id >= this.throttles.length) {
      const throttles = new Uint8Array(2 * this.throttles.length);
      throttles.set(this.throttles);
      this.throttles = throttles;
      const codes = new Uint8Array(2 * this.causeCode.length);
      codes.set(this.causeCode);
      this.causeCode = codes;
      const nsOf = new Float64Array(2 * this.nsOf.length);
      nsOf.set(this.nsOf);
      this.nsOf = nsOf;
    }
    this.causeCode[id] = code;
    this.throttles[id] = kind === "throttle" ? 1 : 0;
    return id;
  }

  /** No event can overlap a sample ending at or before this time (none open, the next one starts then). */
  quietUntil(): number {
    if (this.openCount) return -Infinity;
    return this.next < this.held ? this.ts[this.next] : this.horizon;
  }

  /** True when an event might overlap [t, end): cheap, for skipping quiet samples. */
  mayOverlap(t: number, end: number): boolean {
    if (this.openCount) return true;
    return this.next < this.held ? this.ts[this.next] < end : this.horizon < end;
  }

  /**
   * The time events explain inside [t, end), by event (innermost wins), as causes grouped by kind and
   * name. Calls must come with non-decreasing `t`.
   */
  explain(t: number, end: number): Cause[] {
    const found = this.sweep(t, end);
    const out: Cause[] = [];
    for (let k = 0; k < found; k++) {
      const c = this.touched[k];
      out.push({ kind: this.causeKind[c], name: this.causeName[c], ns: this.nsOf[c] });
    }
    return out;
  }

  /**
   * `explain` without allocating: fills `touched`, `found` and `nsOf` (see there) and returns
   * `found`. Calls must come with non-decreasing `t`.
   */
  sweep(t: number, end: number): number {
    const { ts, ends } = this;
    for (let k = 0; k < this.found; k++) this.nsOf[this.touched[k]] = 0;
    this.found = 0;
    while (this.next < this.held && ts[this.next] < end) {
      if (this.openCount === this.open.length) this.open = grown(this.open);
      this.open[this.openCount++] = this.next++;
    }
    const open = this.open;
    let kept = 0;
    for (let k = 0; k < this.openCount; k++) {
      const i = open[k];
      if (ends[i] > t && ends[i] > ts[i]) open[kept++] = i;
    }
    this.openCount = kept;
    if (kept === 0) return 0;
    if (kept === 1) {
      // The common case (one tick, one IRQ): its overlap, no sweep.
      const i = open[0];
      this.meet(this.causeOf[i], Math.min(ends[i], end) - Math.max(ts[i], t));
      return this.found;
    }
    return this.sweepOpen(t, end);
  }

  /** Several events open: the elementary stretches between their edges, each given to its owner. */
  private sweepOpen(t: number, end: number): number {
    const { ts, ends } = this;
    const { causeOf, throttles } = this;
    if (this.edges.length < 2 * this.openCount + 2) this.edges = new Float64Array(4 * this.openCount + 4);
    if (this.inside.length < this.openCount) {
      this.inside = new Int32Array(2 * this.openCount);
      this.byInside = new Float64Array(2 * this.openCount);
      this.firstMet = new Int32Array(2 * this.openCount);
    }
    const { edges, inside, byInside } = this;
    let e = 0;
    edges[e++] = t;
    edges[e++] = end;
    let n = 0;
    for (let k = 0; k < this.openCount; k++) {
      const i = this.open[k];
      if (ts[i] >= end) continue;
      inside[n] = i;
      byInside[n++] = 0;
      if (ts[i] > t) edges[e++] = ts[i];
      if (ends[i] < end) edges[e++] = ends[i];
    }
    e = sortUnique(edges, e);
    let met = 0;
    for (let s = 0; s + 1 < e; s++) {
      const a = edges[s];
      const b = edges[s + 1];
      let owner = -1;
      for (let k = 0; k < n; k++) {
        const i = inside[k];
        if (throttles[causeOf[i]] && ts[i] <= a && ends[i] >= b) {
          owner = k;
          break;
        }
      }
      if (owner < 0)
        for (let k = 0; k < n; k++) {
          const i = inside[k];
          if (ts[i] > a || ends[i] < b) continue;
          const o = owner < 0 ? -1 : inside[owner];
          if (owner < 0 || ts[i] > ts[o] || (ts[i] === ts[o] && ends[i] <= ends[o])) owner = k;
        }
      if (owner < 0) continue;
      if (byInside[owner] === 0) this.firstMet[met++] = owner;
      byInside[owner] += b - a;
    }
    for (let m = 0; m < met; m++) {
      const k = this.firstMet[m];
      this.meet(causeOf[inside[k]], byInside[k]);
    }
    return this.found;
  }

  private meet(cause: number, ns: number): void {
    if (this.nsOf[cause] === 0 && !this.isTouched(cause)) {
      if (this.found === this.touched.length) this.touched = grown(this.touched);
      this.touched[this.found++] = cause;
    }
    this.nsOf[cause] += ns;
  }

  private isTouched(cause: number): boolean {
    for (let k = 0; k < this.found; k++) if (this.touched[k] === cause) return true;
    return false;
  }
}

function grown(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

/** Sorts `a[0..n)` in place (insertion sort: n is a handful) and drops repeats; returns the new length. */
function sortUnique(a: Float64Array, n: number): number {
  for (let i = 1; i < n; i++) {
    const x = a[i];
    let j = i - 1;
    while (j >= 0 && a[j] > x) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = x;
  }
  let u = 0;
  for (let i = 0; i < n; i++) if (u === 0 || a[i] !== a[u - 1]) a[u++] = a[i];
  return u;
}

/**
 * A sample's causes: the events' shares of the time it lost (scaled down when they explain more
 * than that), and the rest as `unexplained`; largest first.
 */
export function apportion(explained: Cause[], lostNs: number): Cause[] {
  const lost = Math.max(0, lostNs);
  const total = explained.reduce((s, c) => s + c.ns, 0);
  const scale = total > lost ? lost / total : 1;
  const out = explained.map((c) => ({ ...c, ns: c.ns * scale })).filter((c) => c.ns > 0);
  const rest = lost - total * scale;
  if (rest > 0) out.push({ kind: "unexplained", name: "", ns: rest });
  return out.sort((a, b) => b.ns - a.ns);
}

/** The causes of one sample [t, t + durationNs) that lost `durationNs - offsetNs`. */
export function sampleCauses(cursor: EventCursor, t: number, durationNs: number, offsetNs: number): Cause[] {
  return apportion(cursor.explain(t, t + durationNs), durationNs - offsetNs);
}

/** Adds causes into a tally keyed by kind and name. */
export function addCauses(into: Map<string, Cause>, causes: readonly Cause[]): void {
  for (const c of causes) {
    const key = `${c.kind}\u0000${c.name}`;
    const have = into.get(key);
    if (have) have.ns += c.ns;
    else into.set(key, { ...c });
  }
}

/** The kind holding the most time among causes (ties: the first met), or null if none. */
export function dominantKind(causes: Iterable<Cause>): CauseKind | null {
  const byKind = new Map<CauseKind, number>();
  for (const c of causes) byKind.set(c.kind, (byKind.get(c.kind) ?? 0) + c.ns);
  let best: CauseKind | null = null;
  let bestNs = 0;
  for (const [kind, ns] of byKind)
    if (ns > bestNs) {
      best = kind;
      bestNs = ns;
    }
  return best;
}
