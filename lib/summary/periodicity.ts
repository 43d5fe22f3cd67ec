/**
 * Periodic large spikes in a run (the study: the hypervisor taking the CPU about once a second):
 * period, phase, regularity and magnitude, from the summary's spike list. The tick is in tick.ts.
 */
import type { PeriodicSpikes } from "./types";

const GAP_SUB_BITS = 5;
const GAP_SUB = 1 << GAP_SUB_BITS;
/** Log-linear gap bins (32 per octave, about 3%), up to 2^53 ns. */
const GAP_BINS = GAP_SUB * (53 - GAP_SUB_BITS) + 2 * GAP_SUB;

const INVERSE_POWERS = Float64Array.from({ length: 64 }, (_, i) => 2 ** -i);

function gapIndex(gap: number): number {
  if (gap < 2 * GAP_SUB) return Math.floor(gap);
  const e = gap < 4294967296 ? 31 - Math.clz32(gap) : 63 - Math.clz32(gap * INVERSE_POWERS[32]);
  return GAP_SUB * (e - GAP_SUB_BITS) + Math.floor(gap * INVERSE_POWERS[e - GAP_SUB_BITS]);
}

function gapLower(index: number): number {
  if (index < 2 * GAP_SUB) return index;
  const e = Math.floor(index / GAP_SUB) + GAP_SUB_BITS - 1;
  return (index - GAP_SUB * (e - GAP_SUB_BITS)) * 2 ** (e - GAP_SUB_BITS);
}

function gapWidth(index: number): number {
  return index < 2 * GAP_SUB ? 1 : 2 ** (Math.floor(index / GAP_SUB) - 1);
}

export interface PeriodicSpikeOptions {
  minPeriodNs?: number;
  minOccurrences?: number;
  minRegularity?: number;
  maxFamilies?: number;
}

function median(values: number[]): number {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

interface Family {
  periodNs: number;
  phaseNs: number;
  toleranceNs: number;
  members: number[];
  distinctPeriods: number;
}

/** Candidate periods: the top peaks of the spike-to-spike differences, their fractions, the smallest strong one. */
function candidatePeriods(ts: Float64Array, idx: number[], minPeriod: number): number[] {
  const counts = new Float64Array(GAP_BINS);
  for (let a = 0; a < idx.length; a++) {
    for (let b = a + 1; b < Math.min(idx.length, a + 9); b++) {
      const diff = ts[idx[b]] - ts[idx[a]];
      if (diff >= minPeriod) counts[gapIndex(diff)]++;
    }
  }
  const from = Math.max(1, gapIndex(minPeriod));
  const score = (i: number) => counts[i - 1] + counts[i] + counts[i + 1];
  const peaks: { centre: number; score: number }[] = [];
  for (let i = from; i + 1 < counts.length; i++) {
    const s = score(i);
    if (s > 0 && s >= score(i - 1) && s > score(i + 1))
      peaks.push({ centre: gapLower(i) + gapWidth(i) / 2, score: s });
  }
  peaks.sort((a, b) => b.score - a.score);
  const top = peaks[0]?.score ?? 0;
  const out: number[] = [];
  for (const peak of peaks.slice(0, 3)) {
    for (let k = 1; k <= 12 && peak.centre / k >= minPeriod; k++) out.push(peak.centre / k);
  }
  const smallest = peaks.filter((p) => p.score >= 0.5 * top).sort((a, b) => a.centre - b.centre)[0];
  if (smallest) out.push(smallest.centre);
  return out;
}

/**
 * The family that best explains the spikes: the most periods holding a spike beyond what chance
 * alignment within the tolerance would give (at least half of them must be beyond chance); between
 * equals (a period and its fractions), the longest.
 */
function bestFamily(
  ts: Float64Array,
  idx: number[],
  minPeriod: number,
  firstTs: number,
  lastTs: number,
  minOccurrences: number,
  minRegularity: number,
): (Family & { regularity: number }) | null {
  let best: (Family & { regularity: number; score: number }) | null = null;
  for (const centre of candidatePeriods(ts, idx, minPeriod)) {
    const family = fitFamily(ts, idx, centre);
    if (!family) continue;
    const periods =
      Math.floor((lastTs - family.phaseNs) / family.periodNs) -
      Math.ceil((firstTs - family.phaseNs) / family.periodNs) +
      1;
    const regularity = Math.min(1, family.distinctPeriods / Math.max(1, periods));
    if (family.distinctPeriods < minOccurrences || regularity < minRegularity) continue;
    // Periods that random spikes alone would fill within the tolerance (Poisson at the list's rate).
    const rate = idx.length / Math.max(1, lastTs - firstTs);
    const chance = Math.max(1, periods) * (1 - Math.exp(-rate * 2 * family.toleranceNs));
    const score = family.distinctPeriods - chance;
    if (score < Math.max(minOccurrences, 0.5 * family.distinctPeriods)) continue;
    if (!best || score > 1.05 * best.score || (score >= 0.95 * best.score && family.periodNs > best.periodNs))
      best = { ...family, regularity, score };
  }
  return best;
}

function fitFamily(ts: Float64Array, idx: number[], centre: number): Family | null {
  const near: number[] = [];
  for (let a = 0; a < idx.length; a++) {
    for (let b = a + 1; b < Math.min(idx.length, a + 9); b++) {
      const diff = ts[idx[b]] - ts[idx[a]];
      if (Math.abs(diff - centre) <= 0.1 * centre) near.push(diff);
    }
  }
  if (near.length < 3) return null;
  let period = median(near);
  const spread = 1.4826 * median(near.map((d) => Math.abs(d - period)));
  const tol = Math.min(0.1 * period, Math.max(0.002 * period, 4 * spread));

  // Follow the chain of spikes one period apart, refitting the period as it grows (no drift).
  let anchorT = NaN;
  let anchorK = 0;
  let n = 0;
  let sk = 0;
  let st = 0;
  let skk = 0;
  let skt = 0;
  for (let a = 0; a < idx.length; a++) {
    const t = ts[idx[a]];
    if (Number.isNaN(anchorT)) {
      let hasNext = false;
      for (let b = a + 1; b < Math.min(idx.length, a + 17) && !hasNext; b++)
        hasNext = Math.abs(ts[idx[b]] - t - period) <= tol;
      if (!hasNext) continue;
      anchorT = t;
      anchorK = 0;
    } else {
      const steps = Math.round((t - anchorT) / period);
      if (steps < 1 || Math.abs(t - anchorT - steps * period) > tol) continue;
      anchorT = t;
      anchorK += steps;
    }
    n++;
    sk += anchorK;
    st += t;
    skk += anchorK * anchorK;
    skt += anchorK * t;
    if (n >= 3) {
      const denom = n * skk - sk * sk;
      if (denom > 0) period = (n * skt - sk * st) / denom;
    }
  }
  if (n < 3) return null;
  const denom = n * skk - sk * sk;
  const slope = denom > 0 ? (n * skt - sk * st) / denom : period;
  const intercept = (st - slope * sk) / n;

  return refine(ts, idx, slope, intercept, tol);
}

/** The spikes within `tol` of the grid, the closest one per period. */
function onGrid(ts: Float64Array, idx: number[], period: number, origin: number, tol: number) {
  const byPeriod = new Map<number, { at: number; residual: number }>();
  for (const j of idx) {
    const k = Math.round((ts[j] - origin) / period);
    const residual = ts[j] - origin - k * period;
    if (Math.abs(residual) > tol) continue;
    const held = byPeriod.get(k);
    if (!held || Math.abs(residual) < Math.abs(held.residual)) byPeriod.set(k, { at: j, residual });
  }
  return byPeriod;
}

/**
 * Locks the grid onto its spikes: a few rounds of centring on the median residual, tightening the
 * tolerance to 5 robust σ of the residuals (at least 0.2% of the period) and refitting period and
 * origin by least squares over the closest spike of each period. Random spikes then rarely count.
 */
function refine(ts: Float64Array, idx: number[], period: number, origin: number, tol: number): Family {
  for (let round = 0; round < 4; round++) {
    const residuals = [...onGrid(ts, idx, period, origin, tol).values()].map((m) => m.residual);
    if (residuals.length < 3) break;
    const centre = median(residuals);
    origin += centre;
    const spread = 1.4826 * median(residuals.map((r) => Math.abs(r - centre)));
    tol = Math.min(tol, Math.max(0.002 * period, 5 * spread));
    let n = 0;
    let sk = 0;
    let st = 0;
    let skk = 0;
    let skt = 0;
    for (const [k, m] of onGrid(ts, idx, period, origin, tol)) {
      n++;
      sk += k;
      st += ts[m.at];
      skk += k * k;
      skt += k * ts[m.at];
    }
    const denom = n * skk - sk * sk;
    if (n < 3 || denom <= 0) break;
    period = (n * skt - sk * st) / denom;
    origin = (st - period * sk) / n;
  }
  const byPeriod = onGrid(ts, idx, period, origin, tol);
  const members = idx.filter((j) => {
    const k = Math.round((ts[j] - origin) / period);
    return Math.abs(ts[j] - origin - k * period) <= tol;
  });
  return {
    periodNs: period,
    phaseNs: ((origin % period) + period) % period,
    toleranceNs: tol,
    members,
    distinctPeriods: byPeriod.size,
  };
}

/**
 * Families of spikes that recur with a period (the study: a hypervisor spike about every second).
 * Each family found is removed from the list before looking for the next.
 */
export function detectPeriodicSpikes(
  ts: Float64Array,
  durationNs: Float64Array,
  offsetNs: number,
  firstTs: number,
  lastTs: number,
  options: PeriodicSpikeOptions = {},
): PeriodicSpikes[] {
  const minPeriod = options.minPeriodNs ?? 1e6;
  const minOccurrences = options.minOccurrences ?? 6;
  const minRegularity = options.minRegularity ?? 0.3;
  let remaining = Array.from({ length: ts.length }, (_, i) => i);
  const out: PeriodicSpikes[] = [];
  for (let f = 0; f < (options.maxFamilies ?? 3) && remaining.length >= minOccurrences; f++) {
    const family = bestFamily(ts, remaining, minPeriod, firstTs, lastTs, minOccurrences, minRegularity);
    if (!family) break;
    const { periodNs, phaseNs, regularity } = family;
    out.push({
      periodNs,
      phaseNs,
      regularity,
      magnitudeNs: median(family.members.map((j) => durationNs[j] - offsetNs)),
      occurrences: family.distinctPeriods,
    });
    const taken = new Set(family.members);
    remaining = remaining.filter((j) => !taken.has(j));
  }
  return out;
}
