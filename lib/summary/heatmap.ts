/**
 * The subsecond heat map: rows of seconds, columns of offsets within a period (e.g. the 1 s of the
 * periodic spikes, or the tick period), the largest value (overhead; latency for switch runs) in each
 * cell. It is built from the summary alone, with no raw pass: every spike (a sample above the spike
 * threshold) is placed exactly, and every level-0 pyramid bucket contributes its maximum at the
 * maximum's timestamp. So a cell is exact whenever its true maximum is at or above the spike
 * threshold; below it, a cell shows the largest bucket maximum that falls in it (a lower bound, and
 * empty cells mean no bucket maximum fell there).
 */
import type { RunSummary } from "./types";

export interface HeatmapOptions {
  /** Offset columns across one period. Default 200. */
  columns?: number;
  /** Shift of column 0 within the period (e.g. a periodic family's phase). Default 0. */
  phaseNs?: number;
  /** Seconds to show (row 0 is `fromSecond`). Default: the whole run. */
  fromSecond?: number;
  toSecond?: number;
}

export interface Heatmap {
  periodNs: number;
  phaseNs: number;
  columns: number;
  /** The second of each row (floor(ts / 1e9)). */
  firstSecond: number;
  rows: number;
  /** rows × columns, row-major; NaN where nothing fell. */
  values: Float64Array;
  /** Cells at or above this value are exact. */
  exactAboveNs: number;
}

export function heatmap(summary: RunSummary, periodNs: number, options: HeatmapOptions = {}): Heatmap {
  const columns = options.columns ?? 200;
  const phaseNs = options.phaseNs ?? 0;
  const firstSecond = options.fromSecond ?? Math.floor(summary.firstTs / 1e9);
  const lastSecond = options.toSecond ?? Math.floor(summary.lastTs / 1e9);
  const rows = Math.max(0, lastSecond - firstSecond + 1);
  const values = new Float64Array(rows * columns).fill(NaN);
  const offset = summary.offsetNs;
  const place = (t: number, v: number) => {
    const row = Math.floor(t / 1e9) - firstSecond;
    if (row < 0 || row >= rows) return;
    let phase = (t - phaseNs) % periodNs;
    if (phase < 0) phase += periodNs;
    const col = Math.min(columns - 1, Math.floor((phase / periodNs) * columns));
    const cell = row * columns + col;
    if (!(values[cell] >= v)) values[cell] = v;
  };
  const l0 = summary.pyramid.levels[0];
  for (let k = 0; k < l0.size; k++) if (l0.count[k] > 0) place(l0.maxTs[k], l0.max[k] - offset);
  const { ts, durationNs } = summary.spikes;
  for (let i = 0; i < ts.length; i++) place(ts[i], durationNs[i] - offset);
  return {
    periodNs,
    phaseNs,
    columns,
    firstSecond,
    rows,
    values,
    exactAboveNs: summary.spikes.thresholdNs,
  };
}
