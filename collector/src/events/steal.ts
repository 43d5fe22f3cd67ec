/**
 * Steal time of one CPU (what the hypervisor took while the guest wanted to run), from `/proc/stat`:
 * the `steal` field of the `cpuN` line, in USER_HZ ticks (10 ms at the usual 100).
 */
import { readFileSync } from "node:fs";

export interface StealReading {
  /** CLOCK_MONOTONIC, ns (process.hrtime). */
  monoNs: number;
  /** Cumulative steal of the CPU, ns. */
  stealNs: number;
}

export function parseSteal(procStat: string, cpu: number, userHz = 100): number | null {
  const m = new RegExp(`^cpu${cpu} (.*)$`, "m").exec(procStat);
  const fields = m?.[1].trim().split(/\s+/).map(Number);
  if (!fields || fields.length < 8 || !Number.isFinite(fields[7])) return null;
  return (fields[7] * 1e9) / userHz;
}

export function readSteal(cpu: number): StealReading | null {
  const stealNs = parseSteal(readFileSync("/proc/stat", "utf8"), cpu);
  return stealNs === null ? null : { monoNs: Number(process.hrtime.bigint()), stealNs };
}

/**
 * Adds a reading to those kept for stealPerSecond, in place: a reading that only repeats the count of the
 * two before it replaces the last of them (the per-second steal comes out the same), so a run on a host
 * that steals nothing keeps a few readings, not ten a second.
 */
export function keepReading(readings: StealReading[], reading: StealReading): void {
  const n = readings.length;
  if (n >= 2 && readings[n - 1].stealNs === reading.stealNs && readings[n - 2].stealNs === reading.stealNs)
    readings[n - 1] = reading;
  else readings.push(reading);
}

export interface StealSecond {
  second: number;
  stealNs: number;
}

/**
 * Steal in each second of the run: second k spans [origin + k s, origin + (k+1) s) on CLOCK_MONOTONIC; at
 * each boundary the cumulative count is the last reading taken at or before it (readings come every
 * ~100 ms). Seconds are kept while readings reach their end, and the last, partial second if any.
 */
export function stealPerSecond(readings: StealReading[], originMonoNs: number): StealSecond[] {
  const seconds = new StealSeconds();
  for (const reading of readings) seconds.add(reading);
  return [...seconds.setOrigin(originMonoNs), ...seconds.end()];
}

/**
 * stealPerSecond as the readings come (in time order): a second's row is given once a reading lies past
 * its end, and the readings before the second in progress are let go, so what is held stays a few
 * readings whatever the run's length. Before the origin is known the readings are kept (keepReading).
 */
export class StealSeconds {
  private readonly readings: StealReading[] = [];
  private origin: number | null = null;
  /** No reading at or before the origin: no second can be told (stealPerSecond gives none). */
  private off = false;
  private next = 0;
  /** The count at the start of second `next`; null until a reading lies past the origin (or the end). */
  private before: number | null = null;

  /** Adds a reading; returns the rows of the seconds it completes. */
  add(reading: StealReading): StealSecond[] {
    keepReading(this.readings, reading);
    return this.rows(false);
  }

  /** The run's time 0 on CLOCK_MONOTONIC; returns the rows of the seconds the readings already complete. */
  setOrigin(originMonoNs: number): StealSecond[] {
    if (this.origin !== null) return [];
    this.origin = originMonoNs;
    this.off = this.readings.length === 0 || this.readings[0].monoNs > originMonoNs;
    return this.rows(false);
  }

  /** After the last reading: the rows left, the last (partial) second included. */
  end(): StealSecond[] {
    return this.rows(true);
  }

  get originKnown(): boolean {
    return this.origin !== null;
  }

  /** Readings held: a few once the origin is known. */
  get held(): number {
    return this.readings.length;
  }

  /** The count at `t`, from the last reading at or before it; the readings before that one are let go. */
  private at(t: number): number {
    let i = 0;
    while (i + 1 < this.readings.length && this.readings[i + 1].monoNs <= t) i++;
    if (i > 0) this.readings.splice(0, i);
    return this.readings[0].stealNs;
  }

  private rows(final: boolean): StealSecond[] {
    if (this.origin === null || this.off) return [];
    const last = this.readings[this.readings.length - 1].monoNs;
    if (this.before === null) {
      // Readings up to the origin may still come (it can be told before the clock reaches it).
      if (!final && !(last > this.origin)) return [];
      this.before = this.at(this.origin);
    }
    const rows: StealSecond[] = [];
    for (;;) {
      const start = this.origin + this.next * 1e9;
      const end = start + 1e9;
      if (final ? !(start < last) : !(end < last)) break;
      const after = this.at(Math.min(end, last));
      rows.push({ second: this.next, stealNs: Math.max(0, Math.round(after - this.before)) });
      this.before = after;
      this.next++;
    }
    return rows;
  }
}
