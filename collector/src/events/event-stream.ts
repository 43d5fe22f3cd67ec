/**
 * The intervals of a recording on their way to the events file while the run goes on: the pairer emits an
 * interval when it ends, so an enclosing one comes after those it holds; they wait here until no interval
 * still to come can start before them, and go out sorted (by start, an enclosing interval first), converted
 * to the run's time base, in record batches. Memory stays at what is pending (the longest open interval,
 * at most `maxOpenCounts` of trace clock) plus one batch, whatever the run's length.
 *
 * The output equals sorting the whole recording at the end (recorder's held path), except for an interval
 * open longer than `maxOpenCounts`: the file has gone past its start by the time it ends, so it is left out
 * and counted (`late_intervals` in the metadata).
 */
import type { EventsMeta } from "../../../lib/format/events-contract";
import { EventsStreamWriter, type RewritableSink } from "../../../lib/format/events-stream-writer";
import type { IntervalPairer } from "./intervals";

/** The run's time 0 on the trace clock, and the clock's counts per nanosecond. */
export interface StreamOrigin {
  originClock: number;
  countsPerNs: number;
}

export interface EventStreamOptions {
  /** Rows in a record batch at most (a batch is also written when the recorder asks, e.g. every second). */
  batchRows?: number;
  /** How long an open interval is waited for, in trace clock counts. */
  maxOpenCounts: number;
  /** How far behind the last line the release point stays: an NMI's start comes before its line. */
  lagCounts: number;
}

export class EventStream {
  private origin: StreamOrigin | null = null;
  private writer: EventsStreamWriter | null = null;
  /** Every interval starting before this has been taken out. */
  private released = -Infinity;
  /** Intervals that ended after their start was released (open over maxOpenCounts): left out. */
  late = 0;
  private readonly batchRows: number;
  private readonly out: {
    ts: BigInt64Array;
    end: BigInt64Array;
    kind: Uint8Array;
    name: Uint32Array;
    cpu: Int32Array;
  };
  private outRows = 0;

  constructor(
    private readonly pairer: IntervalPairer,
    private readonly openSink: () => RewritableSink,
    private readonly startMeta: (origin: StreamOrigin) => EventsMeta,
    private readonly options: EventStreamOptions,
  ) {
    this.batchRows = options.batchRows ?? 65_536;
    this.out = {
      ts: new BigInt64Array(this.batchRows),
      end: new BigInt64Array(this.batchRows),
      kind: new Uint8Array(this.batchRows),
      name: new Uint32Array(this.batchRows),
      cpu: new Int32Array(this.batchRows),
    };
  }

  get originKnown(): StreamOrigin | null {
    return this.origin;
  }

  /** Rows written to the file so far. */
  get rows(): number {
    return (this.writer?.rows ?? 0) + this.outRows;
  }

  /** From now on intervals go to the file (created now, schema first); until then they are held. */
  setOrigin(origin: StreamOrigin): void {
    if (this.origin) return;
    this.writer = new EventsStreamWriter(this.openSink(), this.startMeta(origin));
    this.origin = origin;
  }

  /** After new lines: takes out what is final; writes a batch when one is full, or any rows if `flush`. */
  step(flush: boolean): void {
    if (!this.origin) return;
    const { lastTs } = this.pairer;
    this.release(
      Math.min(this.pairer.openFloor(lastTs - this.options.maxOpenCounts), lastTs - this.options.lagCounts),
    );
    if (flush) this.writeBatch();
  }

  /** Takes out every interval left and ends the file with `meta`. */
  finish(meta: EventsMeta): void {
    if (!this.origin || !this.writer) throw new Error("the events stream has no origin");
    this.release(Infinity);
    this.writeBatch();
    this.writer.finish(meta);
  }

  private release(floor: number): void {
    const columns = this.pairer.intervals;
    const { start, end } = columns;
    const { originClock, countsPerNs } = this.origin!;
    const toNs = (t: number) => BigInt(Math.round((t - originClock) / countsPerNs));
    // Calibration ran on the measured CPU before the first sample: keep what reaches into the run.
    for (const i of columns.order((row) => start[row] < floor)) {
      if (start[i] < this.released) {
        this.late++;
        continue;
      }
      if (end[i] < originClock) continue;
      const n = this.outRows++;
      this.out.ts[n] = toNs(start[i]);
      this.out.end[n] = toNs(end[i]);
      this.out.kind[n] = columns.kind[i];
      this.out.name[n] = columns.name[i];
      this.out.cpu[n] = columns.cpu[i];
      if (this.outRows === this.batchRows) this.writeBatch();
    }
    columns.retain((row) => !(start[row] < floor));
    if (floor > this.released) this.released = floor;
  }

  private writeBatch(): void {
    if (!this.outRows || !this.writer) return;
    const n = this.outRows;
    this.writer.write({
      ts: this.out.ts.subarray(0, n),
      end: this.out.end.subarray(0, n),
      kind: this.out.kind.subarray(0, n),
      name: this.out.name.subarray(0, n),
      cpu: this.out.cpu.subarray(0, n),
      names: this.pairer.intervals.names,
    });
    this.outRows = 0;
  }
}
