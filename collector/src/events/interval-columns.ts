/**
 * The intervals a run records, held as typed columns grown by doubling: an hour holds millions of them,
 * and as JS objects they cost several times more (bench/suites/events.bench.ts measures both).
 */
import { EVENT_KINDS, type EventKind } from "../../../lib/format/events-contract";
import { KIND_CODE } from "../../../lib/format/event-columns";

export interface Interval {
  start: number;
  end: number;
  kind: EventKind;
  name: string;
  cpu: number;
}


export class IntervalColumns {
  length = 0;
  start = new Float64Array(1024);
  end = new Float64Array(1024);
  /** Index into EVENT_KINDS. */
  kind = new Uint8Array(1024);
  /** Index into `names`: a few dozen distinct names for millions of rows. */
  name = new Uint32Array(1024);
  cpu = new Int32Array(1024);
  readonly names: string[] = [];
  private readonly nameCode = new Map<string, number>();

  push(start: number, end: number, kind: EventKind, name: string, cpu: number): void {
    if (this.length === this.start.length) this.grow();
    let code = this.nameCode.get(name);
    if (code === undefined) {
      code = this.names.push(name) - 1;
      this.nameCode.set(name, code);
    }
    const i = this.length++;
    this.start[i] = start;
    this.end[i] = end;
    this.kind[i] = KIND_CODE.get(kind)!;
    this.name[i] = code;
    this.cpu[i] = cpu;
  }

  kindAt(i: number): EventKind {
    return EVENT_KINDS[this.kind[i]];
  }

  nameAt(i: number): string {
    return this.names[this.name[i]];
  }

  /** Rows (those `keep` accepts) sorted by start; an enclosing interval before the ones it holds. */
  order(keep: (row: number) => boolean = () => true): Uint32Array {
    let rows = new Uint32Array(this.length);
    let n = 0;
    for (let i = 0; i < this.length; i++) if (keep(i)) rows[n++] = i;
    rows = rows.subarray(0, n);
    const { start, end } = this;
    return rows.sort((a, b) => start[a] - start[b] || end[b] - end[a]);
  }

  /** Keeps only the rows `keep` accepts, in their order (their capacity stays: it is reused). */
  retain(keep: (row: number) => boolean): void {
    let n = 0;
    for (let i = 0; i < this.length; i++) {
      if (!keep(i)) continue;
      if (n !== i) {
        this.start[n] = this.start[i];
        this.end[n] = this.end[i];
        this.kind[n] = this.kind[i];
        this.name[n] = this.name[i];
        this.cpu[n] = this.cpu[i];
      }
      n++;
    }
    this.length = n;
  }

  /** The rows as objects, sorted (for tests and small runs). */
  sorted(): Interval[] {
    return Array.from(this.order(), (i) => ({
      start: this.start[i],
      end: this.end[i],
      kind: this.kindAt(i),
      name: this.nameAt(i),
      cpu: this.cpu[i],
    }));
  }

  /** Bytes the columns hold (their capacity), for the memory figure. */
  get bytes(): number {
    return (
      this.start.byteLength +
      this.end.byteLength +
      this.kind.byteLength +
      this.name.byteLength +
      this.cpu.byteLength
    );
  }

  private grow(): void {
    const size = this.start.length * 2;
    const grown = <T extends Float64Array | Uint8Array | Uint32Array | Int32Array>(from: T, to: T): T => {
      to.set(from);
      return to;
    };
    this.start = grown(this.start, new Float64Array(size));
    this.end = grown(this.end, new Float64Array(size));
    this.kind = grown(this.kind, new Uint8Array(size));
    this.name = grown(this.name, new Uint32Array(size));
    this.cpu = grown(this.cpu, new Int32Array(size));
  }
}
