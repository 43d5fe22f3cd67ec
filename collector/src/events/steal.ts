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

/**
 * Steal in each second of the run: second k spans [origin + k s, origin + (k+1) s) on CLOCK_MONOTONIC; at
 * each boundary the cumulative count is the last reading taken at or before it (readings come every
 * ~100 ms). Seconds are kept while readings reach their end, and the last, partial second if any.
 */
export function stealPerSecond(
  readings: StealReading[],
  originMonoNs: number,
): { second: number; stealNs: number }[] {
  if (readings.length < 2 || readings[0].monoNs > originMonoNs) return [];
  const last = readings[readings.length - 1].monoNs;
  let cursor = 0; // boundaries only grow: one pass over the readings
  const at = (t: number): number => {
    while (cursor + 1 < readings.length && readings[cursor + 1].monoNs <= t) cursor++;
    return readings[cursor].stealNs;
  };
  const rows: { second: number; stealNs: number }[] = [];
  let before = at(originMonoNs);
  for (let k = 0; originMonoNs + k * 1e9 < last; k++) {
    const after = at(Math.min(originMonoNs + (k + 1) * 1e9, last));
    rows.push({ second: k, stealNs: Math.max(0, Math.round(after - before)) });
    before = after;
  }
  return rows;
}
