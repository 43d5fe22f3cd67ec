/**
 * The kernel tick of a run: its period, phase and cost, found in a stretch of consecutive samples.
 *
 * On a VM the busy loop's own time wanders (the host slows the vCPU for milliseconds to seconds, by
 * up to 2x), so no fixed threshold separates "tick" from "no tick". Each sample is instead compared
 * with its neighbours (its duration minus the median of the 16 around it); that excess, capped so
 * that a rare long stall does not outweigh thousands of ticks, is laid on an even time grid whose
 * spectrum shows the tick's line (tick-lines.ts). The period is then refined to parts per million,
 * and the cost read where the ticks fall: the median excess of the sample holding each tick.
 */
import { tickLines } from "./tick-lines";
import type { TickEstimate, TickFold } from "./types";

/** Samples the tick is estimated from (about 9 s of the study's 68 µs loop). */
export const TICK_WINDOW_SAMPLES = 1 << 17;
const NEIGHBOURS = 8;
function sortedSample(values: ArrayLike<number>, most: number, map: (v: number) => number): Float64Array {
  const stride = Math.max(1, Math.floor(values.length / most));
  const out = new Float64Array(Math.ceil(values.length / stride));
  for (let i = 0, k = 0; i < values.length; i += stride) out[k++] = map(values[i]);
  return out.sort();
}

/** Each duration minus the median of the 2·NEIGHBOURS+1 durations centred on it (clamped at the ends). */
export function localExcess(du: ArrayLike<number>): Float64Array {
  const n = du.length;
  const out = new Float64Array(n);
  const w = 2 * NEIGHBOURS + 1;
  if (n < w) {
    const s = sortedSample(du, n, (v) => v);
    for (let i = 0; i < n; i++) out[i] = du[i] - s[s.length >> 1];
    return out;
  }
  const win = new Float64Array(w);
  for (let k = 0; k < w; k++) win[k] = du[k];
  win.sort();
  let centre = NEIGHBOURS;
  for (let i = 0; i < n; i++) {
    const want = Math.min(n - NEIGHBOURS - 1, Math.max(NEIGHBOURS, i));
    while (centre < want) {
      slide(win, du[centre - NEIGHBOURS], du[centre + NEIGHBOURS + 1]);
      centre++;
    }
    out[i] = du[i] - win[NEIGHBOURS];
  }
  return out;
}

/** Replaces `leaving` by `entering` in the sorted window, keeping it sorted. */
function slide(win: Float64Array, leaving: number, entering: number): void {
  let lo = 0;
  let hi = win.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (win[mid] < leaving) lo = mid + 1;
    else hi = mid;
  }
  let p = lo;
  win[p] = entering;
  while (p > 0 && win[p - 1] > entering) {
    win[p] = win[p - 1];
    win[--p] = entering;
  }
  while (p + 1 < win.length && win[p + 1] < entering) {
    win[p] = win[p + 1];
    win[++p] = entering;
  }
}

export interface TickOptions {
  /** The tick period the run's fingerprint declares (1e9 / CONFIG_HZ): looked for first. */
  expectedPeriodNs?: number | null;
}

/**
 * The tick period and cost from consecutive samples (start times and durations in ns), or null
 * when no significant periodic line is found.
 */
export function estimateTick(
  ts: Float64Array,
  du: ArrayLike<number>,
  options: TickOptions = {},
): TickEstimate | null {
  const n = ts.length;
  if (n < 1024) return null;
  const excess = localExcess(du);
  const durations = sortedSample(du, 4096, (v) => v);
  const typical = durations[durations.length >> 1];
  // Capped so that a rare long stall (RT throttling, the host) does not outweigh thousands of ticks.
  const magnitudes = sortedSample(excess, 4096, Math.abs);
  const cap = 4 * magnitudes[Math.floor(0.99 * (magnitudes.length - 1))] || Infinity;
  const weight = new Float64Array(n);
  for (let i = 0; i < n; i++) weight[i] = excess[i] <= 0 ? 0 : excess[i] < cap ? excess[i] : cap;

  const span = ts[n - 1] + du[n - 1] - ts[0];
  const lines = tickLines(ts, du, weight, span, typical, options.expectedPeriodNs ?? null);
  if (!lines) return null;
  // The strongest line, when it is the tick's harmonic-th multiple, pins the period down best.
  const periodNs = lines.harmonic * refinePeriod(ts, du, weight, span / lines.reference);
  return tickAtStrongestPhase(ts, du, excess, weight, periodNs, typical, lines.faster);
}

/** Σ weight·e^(-iωt) over samples [from, to), t the sample's middle relative to the first sample. */
function phasor(
  ts: Float64Array,
  du: ArrayLike<number>,
  weight: Float64Array,
  periodNs: number,
  from: number,
  to: number,
) {
  const w = (2 * Math.PI) / periodNs;
  const t0 = ts[0];
  let re = 0;
  let im = 0;
  for (let i = from; i < to; i++) {
    if (weight[i] === 0) continue;
    const angle = w * (ts[i] + du[i] / 2 - t0);
    re += weight[i] * Math.cos(angle);
    im -= weight[i] * Math.sin(angle);
  }
  return { re, im };
}

/**
 * The spectrum's line is good to a fraction of 1/span, but telling which sample holds each tick across
 * the whole stretch needs the period to parts per million: the phase drift between the stretch's two
 * halves at the estimated period is the remaining error. Each round shrinks it.
 */
function refinePeriod(
  ts: Float64Array,
  du: ArrayLike<number>,
  weight: Float64Array,
  periodNs: number,
): number {
  const n = ts.length;
  const half = n >> 1;
  const apart = ts[half + (half >> 1)] - ts[half >> 1] || 1;
  let lastStep = 0;
  let coherence = -1;
  for (let round = 0; round < 3; round++) {
    const a = phasor(ts, du, weight, periodNs, 0, half);
    const b = phasor(ts, du, weight, periodNs, half, n);
    const whole = Math.hypot(a.re + b.re, a.im + b.im);
    // A weak tick beside a strong faster interruption gives a noisy drift: keep only what adds up better.
    if (whole < coherence) return periodNs / (1 - lastStep);
    coherence = whole;
    const drift = Math.atan2(b.im * a.re - b.re * a.im, b.re * a.re + b.im * a.im);
    lastStep = (drift * periodNs) / (2 * Math.PI * apart);
    periodNs *= 1 - lastStep;
  }
  return periodNs;
}

/**
 * Where in the period the tick falls and what it costs. The excess is folded over the period; a faster
 * interruption locked to it (a VM: the host's 1 ms timer under a guest's 4 ms tick shows `faster` = 4
 * bumps per period) is taken out by subtracting the fold's average over the faster period's shifts, and
 * the tick is the strongest bump left. Its cost is the median excess of the sample holding each tick,
 * less the same measured where the tick is not (the faster period's other shifts, or half a period on).
 */
function tickAtStrongestPhase(
  ts: Float64Array,
  du: ArrayLike<number>,
  excess: Float64Array,
  weight: Float64Array,
  periodNs: number,
  typicalNs: number,
  faster: number,
): TickEstimate | null {
  const n = ts.length;
  const t0 = ts[0];
  const bins =
    faster * Math.ceil(Math.min(4096, Math.max(16, Math.round((4 * periodNs) / typicalNs))) / faster);
  const binNs = periodNs / bins;
  const fold = new Float64Array(bins);
  const folded = new Float64Array(bins);
  for (let i = 0; i < n; i++) {
    const at = (ts[i] + du[i] / 2 - t0) % periodNs;
    const bin = Math.min(bins - 1, Math.floor(at / binNs));
    folded[bin]++;
    fold[bin] += weight[i];
  }
  const own = new Float64Array(bins);
  for (let b = 0; b < bins; b++) {
    let shared = 0;
    for (let j = 0; j < faster; j++) shared += fold[(b + (j * bins) / faster) % bins];
    own[b] = fold[b] - (faster > 1 ? shared / faster : 0);
  }
  // A tick moves the middle of its sample by up to half a sample: smooth over one typical sample.
  const width = Math.max(1, Math.round(typicalNs / binNs));
  const smooth = new Float64Array(bins);
  let sum = 0;
  for (let j = 0; j < width; j++) sum += own[j % bins];
  let best = 0;
  for (let b = 0; b < bins; b++) {
    smooth[b] = sum;
    if (sum > smooth[best]) best = b;
    sum += own[(b + width) % bins] - own[b];
  }
  const phase = (best + width / 2) * binNs;
  // A fixed tick spreads over one sample; a tick whose phase wanders (a loaded host delays the
  // guest's timer) over more: look that much either side of its phase for the sample holding it.
  let right = 1;
  while (right < bins && smooth[(best + right) % bins] >= smooth[best] / 2) right++;
  let left = 1;
  while (left < bins && smooth[(best - left + bins) % bins] >= smooth[best] / 2) left++;
  const reachNs = Math.max(0, ((right + left - 1) * binNs - typicalNs) / 2);

  const held = heldExcess(ts, du, excess, t0 + phase, periodNs, reachNs);
  if (held.length < 8) return null;
  const elsewhere: number[] = [];
  for (let j = 1; j < Math.max(2, faster); j++)
    elsewhere.push(
      ...heldExcess(ts, du, excess, t0 + phase + (j * periodNs) / Math.max(2, faster), periodNs, reachNs),
    );
  const background = median(elsewhere);
  const costNs = median(held) - background;
  // The difference of the two medians must stand 4 standard errors clear of zero.
  const spread = 1.4826 * median(elsewhere.map((e) => Math.abs(e - background)));
  const standardError = 1.2533 * spread * Math.sqrt(1 / held.length + 1 / elsewhere.length);
  if (!(costNs > 0) || costNs < 4 * standardError) return null;
  let seen = 0;
  for (const e of held) if (e >= costNs / 2) seen++;
  const profile: TickFold = {
    startPhaseNs: ((t0 % periodNs) + periodNs) % periodNs,
    binNs,
    excessNs: fold,
    samples: folded,
  };
  return {
    periodNs,
    costNs,
    phaseNs: (((t0 + phase) % periodNs) + periodNs) % periodNs,
    events: seen,
    regularity: seen / held.length,
    fold: profile,
  };
}

/**
 * For each instant first + k·period, the largest excess among the samples within `reachNs` of it
 * (with no reach: the excess of the sample holding it).
 */
function heldExcess(
  ts: Float64Array,
  du: ArrayLike<number>,
  excess: Float64Array,
  first: number,
  periodNs: number,
  reachNs: number,
): number[] {
  const n = ts.length;
  const last = ts[n - 1] + du[n - 1];
  const held: number[] = [];
  let i = 0;
  for (let at = first; at < last; at += periodNs) {
    while (i < n && (i + 1 < n ? ts[i + 1] : last) <= at - reachNs) i++;
    if (i >= n) break;
    if (ts[i] > at + reachNs) continue;
    let most = excess[i];
    for (let j = i + 1; j < n && ts[j] <= at + reachNs; j++) if (excess[j] > most) most = excess[j];
    held.push(most);
  }
  return held;
}

function median(values: number[]): number {
  const sorted = Float64Array.from(values).sort();
  return sorted.length ? sorted[sorted.length >> 1] : NaN;
}

export interface TickFootprint {
  /** The median duration of the window's samples that hold no tick. */
  noTickNs: number;
  /** noTickNs plus the tick's cost. */
  tickNs: number;
  /** Where the ticks fall in the window: phase + k·period. */
  instants: number[];
}

/**
 * The tick's two levels in a window of raw samples, for drawing them over those samples: on a VM the
 * loop's time wanders, so "no tick" is what the window's own untouched samples take, not the run's
 * baseline.
 */
export function tickFootprint(
  ts: ArrayLike<number>,
  du: ArrayLike<number>,
  tick: Pick<TickEstimate, "periodNs" | "phaseNs" | "costNs">,
  t0: number,
  t1: number,
): TickFootprint {
  const instants: number[] = [];
  const first = Math.ceil((t0 - tick.phaseNs) / tick.periodNs);
  for (let k = first; tick.phaseNs + k * tick.periodNs <= t1; k++)
    instants.push(tick.phaseNs + k * tick.periodNs);
  const untouched: number[] = [];
  let next = 0;
  for (let i = 0; i < ts.length; i++) {
    const end = i + 1 < ts.length ? ts[i + 1] : ts[i] + du[i];
    while (next < instants.length && instants[next] < ts[i]) next++;
    if (next < instants.length && instants[next] < end) continue;
    untouched.push(du[i]);
  }
  const noTickNs = untouched.length ? median(untouched) : NaN;
  return { noTickNs, tickNs: noTickNs + tick.costNs, instants };
}
