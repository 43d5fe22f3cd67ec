/**
 * Finding the tick's line in the spectrum of a run's excess (see tick.ts): at the rate the run's
 * fingerprint expects, else the fundamental of the strongest line; and whether a faster interruption
 * (the host's timer on a VM) is locked to it.
 */
import { realPowerSpectrum } from "./fft";

/**
 * A spectral line counts when its power is this many times the median power around it. Noise power is
 * exponential, above c × median with probability 2^-c: the strongest of ~10^5 noise bins reaches about
 * 20, so a line must reach 40; a submultiple of a line that did, one of a few hundred candidates, 16.
 */
const MIN_SIGNIFICANCE = 40;
const SUBMULTIPLE_SIGNIFICANCE = 16;
/**
 * The expected rate's line is judged with its first 8 harmonics, each significance capped at 10, the
 * two largest left out (a faster interruption locked to the tick, like the host's 1 ms timer under a
 * 4 ms tick, lights 2 of the 8): noise sums to about 7 ± 3, a real tick's harmonics to 30-60.
 */
const EXPECTED_EVIDENCE = 30;
const HARMONICS = 8;
const MIN_PERIOD_NS = 100_000;
const MAX_PERIOD_NS = 100_000_000;

function medianOf(values: Float64Array, from: number, to: number, skipFrom: number, skipTo: number): number {
  const lo = Math.max(1, from);
  const hi = Math.min(to, values.length - 1);
  const picked = new Float64Array(Math.max(0, hi - lo + 1));
  let n = 0;
  for (let k = lo; k <= hi; k++) if (k < skipFrom || k > skipTo) picked[n++] = values[k];
  const sorted = picked.subarray(0, n).sort();
  return n ? sorted[n >> 1] : NaN;
}

/** Power over the median power of the bins around (±12%, at least ±16 bins), the line itself left out. */
function significance(power: Float64Array, k: number): number {
  const reach = Math.max(16, Math.round(0.12 * k));
  return power[k] / medianOf(power, k - reach, k + reach, k - 2, k + 2);
}

/** The evidence for a tick at bin k: see EXPECTED_EVIDENCE. */
function harmonicEvidence(power: Float64Array, k: number, kHigh: number): number {
  const each: number[] = [];
  for (let j = 1; j <= HARMONICS && j * k <= kHigh; j++)
    each.push(Math.min(10, significance(power, peakNear(power, j * k))));
  each.sort((x, y) => x - y);
  return each.slice(0, Math.max(0, each.length - 2)).reduce((sum, v) => sum + v, 0);
}

/** The strongest bin within ±1 of a (fractional) bin position. */
function peakNear(power: Float64Array, at: number): number {
  const k = Math.round(at);
  let best = k;
  for (let j = k - 1; j <= k + 1; j++) if (j > 0 && j < power.length && power[j] > power[best]) best = j;
  return best;
}

/**
 * The tick's line in the spectrum of the excess laid on an even grid (as a fractional bin: bin k is
 * k periods per span). Without an expected period, or when none stands out there, the tick is the
 * lowest submultiple of the strongest line that stands out. `faster`: when the strongest line is the
 * m-th multiple of the tick's, the lowest multiple d (dividing m) nearly as strong: an interruption
 * d times as frequent, locked to the tick (1 when there is none). `reference`: the strongest line
 * when it is the tick's `harmonic`-th multiple, else the tick's own.
 */
export function tickLines(
  ts: Float64Array,
  du: ArrayLike<number>,
  weight: Float64Array,
  span: number,
  typical: number,
  expectedPeriodNs: number | null,
): { tick: number; faster: number; harmonic: number; reference: number } | null {
  const n = ts.length;
  const size = 2 ** Math.ceil(Math.log2(n));
  const binNs = span / size;
  const grid = new Float64Array(size);
  for (let i = 0; i < n; i++)
    if (weight[i] > 0) grid[Math.min(size - 1, Math.floor((ts[i] + du[i] / 2 - ts[0]) / binNs))] += weight[i];
  const power = realPowerSpectrum(grid);

  // A period must hold several samples, and the span several periods.
  const kLow = Math.max(2, Math.ceil(span / Math.min(MAX_PERIOD_NS, span / 8)));
  const kHigh = Math.min(power.length - 2, Math.floor(span / Math.max(MIN_PERIOD_NS, 4 * typical)));
  if (kLow >= kHigh) return null;
  const peaks: number[] = [];
  for (let k = kLow; k <= kHigh; k++) if (power[k] >= power[k - 1] && power[k] > power[k + 1]) peaks.push(k);
  peaks.sort((a, b) => power[b] - power[a]);
  const strongest = peaks.slice(0, 32).find((k) => significance(power, k) >= MIN_SIGNIFICANCE);

  const reference = strongest === undefined ? NaN : interpolated(power, strongest);
  let tick: number | undefined;
  if (expectedPeriodNs) {
    const expected = span / expectedPeriodNs;
    const m = Math.round(reference / expected);
    if (m >= 1 && Math.abs(reference / (m * expected) - 1) < 0.02) {
      // The strongest line is a multiple of the expected rate (the tick's own, or a faster timer locked
      // to it): take the rate from it and let the fold over the period say whether a tick is there.
      tick = reference / m;
    } else {
      const near = peaks.filter((k) => Math.abs(k - expected) <= Math.max(1.5, 0.02 * expected));
      const found = near.find((k) => harmonicEvidence(power, k, kHigh) >= EXPECTED_EVIDENCE);
      if (found !== undefined) tick = interpolated(power, found);
    }
  }
  if (tick === undefined && strongest !== undefined) {
    // Short pulses put lines of about equal power at every multiple of their rate, so the strongest
    // line can be any of them: the rate is the lowest submultiple of it that stands out too. Not far
    // out, though: a tick under a stronger locked interruption (the host's timer) can be 25x weaker,
    // while the comb of a rare stall (once a second, capped) is thousands of times weaker.
    let lowest = strongest;
    for (let m = Math.floor(strongest / kLow); m >= 2; m--) {
      const k = peakNear(power, strongest / m);
      if (power[k] >= 0.01 * power[strongest] && significance(power, k) >= SUBMULTIPLE_SIGNIFICANCE) {
        lowest = k;
        break;
      }
    }
    tick = interpolated(power, lowest);
  }
  if (tick === undefined) return null;
  if (strongest === undefined) return { tick, faster: 1, harmonic: 1, reference: tick };
  const m = Math.round(reference / tick);
  if (m < 1 || Math.abs(reference / tick - m) >= 0.01 * m)
    return { tick, faster: 1, harmonic: 1, reference: tick };
  let faster = 1;
  for (let d = 2; d <= m && faster === 1; d++)
    if (m % d === 0 && power[peakNear(power, d * tick)] >= 0.1 * power[strongest]) faster = d;
  return { tick, faster, harmonic: m, reference };
}

/** A line's position to a fraction of a bin: the vertex of a parabola through the log power around it. */
function interpolated(power: Float64Array, k: number): number {
  const [a, b, c] = [power[k - 1], power[k], power[k + 1]].map((p) => Math.log(p || 1e-300));
  const shift = a - 2 * b + c < 0 ? (0.5 * (a - c)) / (a - 2 * b + c) : 0;
  return k + Math.max(-0.5, Math.min(0.5, shift));
}
