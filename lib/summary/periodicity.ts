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
  /** Largest chance that random spikes alone would line up as well as a family found (default 5%). */
  falseAlarm?: number;
}

function median(values: number[]): number {
  if (!values.length) return NaN;
  return middleOfSorted([...values].sort((a, b) => a - b));
}

/** The median of `values`, which it sorts in place (a view of scratch memory). */
function medianInPlace(values: Float64Array): number {
  return values.length ? middleOfSorted(values.sort()) : NaN;
}

function middleOfSorted(s: ArrayLike<number>): number {
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

interface Family {
  periodNs: number;
  phaseNs: number;
  toleranceNs: number;
  /** Its spikes (indices into the list): computed when asked, for the family kept, not every candidate. */
  members: () => Int32Array;
  distinctPeriods: number;
  /** The largest distance of a member from where the family puts it (grid point, or one chain step). */
  deviationNs: number;
}

/** Candidate periods: the top peaks of the spike-to-spike differences, their fractions, the smallest strong one. */
function candidatePeriods(ts: Float64Array, idx: Int32Array, minPeriod: number): number[] {
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

/** log P(X >= k) for X ~ Binomial(n, p). */
function logBinomialTail(n: number, k: number, p: number): number {
  if (k <= 0) return 0;
  if (k > n || p <= 0) return -Infinity;
  if (p >= 1) return 0;
  let logTerm = k * Math.log(p) + (n - k) * Math.log1p(-p);
  for (let i = 0; i < k; i++) logTerm += Math.log((n - i) / (k - i));
  let sum = 0;
  let ratio = 1;
  for (let i = k; i <= n && ratio > 1e-12; i++) {
    sum += ratio;
    ratio *= ((n - i) / (i + 1)) * (p / (1 - p));
  }
  return logTerm + Math.log(sum);
}

interface Scored extends Family {
  regularity: number;
  score: number;
  /** log of the chance that random spikes at this list's rate would line up as well. */
  logFalseAlarm: number;
}

/**
 * The family that best explains the spikes: the most periods holding a spike beyond what chance
 * alignment within the tolerance would give (at least half of them beyond chance, and random spikes
 * at the list's rate unlikely to line up as well); between equals (a period and its fractions), the longest.
 */
function bestFamily(
  ts: Float64Array,
  idx: Int32Array,
  minPeriod: number,
  firstTs: number,
  lastTs: number,
  minOccurrences: number,
  minRegularity: number,
  logTrialsFactor: number,
  logFalseAlarmLimit: number,
  scratch: GridScratch,
): Scored | null {
  let best: Scored | null = null;
  const rate = idx.length / Math.max(1, lastTs - firstTs);
  // Each family is anchored by a pair of spikes (up to 8 apart) and then has its other periods to fill.
  const candidates = candidatePeriods(ts, idx, minPeriod);
  const logTrials =
    Math.log(idx.length * Math.min(idx.length - 1, 8) * (1 + CHAIN_TOLERANCES.length)) + logTrialsFactor;
  for (const centre of candidates) {
    const grid = fitFamily(ts, idx, centre, scratch);
    if (!grid) continue;
    const chains =
      idx.length <= MAX_CHAIN_SPIKES
        ? CHAIN_TOLERANCES.map((share) => followChain(ts, idx, grid.periodNs, share * grid.periodNs))
        : [];
    for (const family of [grid, ...chains]) {
      if (!family) continue;
      const periods =
        Math.floor((lastTs - family.phaseNs) / family.periodNs) -
        Math.ceil((firstTs - family.phaseNs) / family.periodNs) +
        1;
      const regularity = Math.min(1, family.distinctPeriods / Math.max(1, periods));
      if (family.distinctPeriods < minOccurrences || regularity < minRegularity) continue;
      // The chance that one period holds a random spike within the tolerance (Poisson at the list's rate).
      const hit = 1 - Math.exp(-rate * 2 * family.toleranceNs);
      const chance = Math.max(1, periods) * hit;
      const score = family.distinctPeriods - chance;
      if (score < 0.5 * family.distinctPeriods) continue;
      // How often random spikes would line up as closely: a pair of them fixes period and phase, and
      // the others must fall within the family's largest deviation in as many of the other periods.
      const closeHit = 1 - Math.exp(-rate * 2 * Math.max(family.deviationNs, 1e-4 * family.periodNs));
      const logFalseAlarm =
        logTrials + logBinomialTail(Math.max(0, periods - 2), family.distinctPeriods - 2, closeHit);
      if (logFalseAlarm > logFalseAlarmLimit) continue;
      if (
        !best ||
        score > 1.05 * best.score ||
        (score >= 0.95 * best.score && family.periodNs > best.periodNs)
      )
        best = { ...family, regularity, score, logFalseAlarm };
    }
  }
  return best;
}

/**
 * Memory the candidate fits share (sized for the whole list once, not allocated per tier, candidate and round):
 * the spike-to-spike differences near a candidate, and the closest spike of each grid period.
 */
class GridScratch {
  readonly near: Float64Array;
  readonly period: Float64Array;
  readonly at: Int32Array;
  readonly residual: Float64Array;
  constructor(spikes: number) {
    this.near = new Float64Array(8 * spikes);
    this.period = new Float64Array(spikes);
    this.at = new Int32Array(spikes);
    this.residual = new Float64Array(spikes);
  }
}

function fitFamily(ts: Float64Array, idx: Int32Array, centre: number, scratch: GridScratch): Family | null {
  let count = 0;
  for (let a = 0; a < idx.length; a++) {
    for (let b = a + 1; b < Math.min(idx.length, a + 9); b++) {
      const diff = ts[idx[b]] - ts[idx[a]];
      if (Math.abs(diff - centre) <= 0.1 * centre) scratch.near[count++] = diff;
    }
  }
  if (count < 3) return null;
  const near = scratch.near.subarray(0, count);
  let period = medianInPlace(near);
  for (let i = 0; i < count; i++) near[i] = Math.abs(near[i] - period);
  const spread = 1.4826 * medianInPlace(near);
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

  return refine(ts, idx, slope, intercept, tol, scratch);
}

/** Step tolerances (shares of the period) tried for a chain whose phase wanders. */
const CHAIN_TOLERANCES = [0.005, 0.02, 0.05];
/** Chains are for a few large spikes: a longer list is left to the grid (a chain costs n × neighbours). */
const MAX_CHAIN_SPIKES = 4096;

/**
 * The longest chain of spikes one or two periods apart, each step within `tol`: a phase that wanders
 * from period to period (RT throttling on a VM: the stall starts when the runtime budget runs out)
 * breaks a rigid grid but not a chain. Period and phase are then fitted over the chain.
 */
function followChain(ts: Float64Array, idx: Int32Array, period: number, tol: number): Family | null {
  const length = new Int32Array(idx.length).fill(1);
  const steps = new Int32Array(idx.length);
  const previous = new Int32Array(idx.length).fill(-1);
  let end = -1;
  for (let b = 0; b < idx.length; b++) {
    for (let a = b - 1; a >= 0 && ts[idx[b]] - ts[idx[a]] <= 2 * period + tol; a--) {
      const gap = ts[idx[b]] - ts[idx[a]];
      const k = Math.round(gap / period);
      if (k < 1 || Math.abs(gap - k * period) > tol) continue;
      if (length[a] + 1 > length[b] || (length[a] + 1 === length[b] && steps[a] + k < steps[b])) {
        length[b] = length[a] + 1;
        steps[b] = steps[a] + k;
        previous[b] = a;
      }
    }
    if (end < 0 || length[b] > length[end]) end = b;
  }
  if (end < 0 || length[end] < 3) return null;
  const chain: number[] = [];
  let deviationNs = 0;
  for (let at = end; at >= 0; at = previous[at]) {
    chain.push(at);
    const before = previous[at];
    if (before >= 0) {
      const gap = ts[idx[at]] - ts[idx[before]];
      deviationNs = Math.max(deviationNs, Math.abs(gap - Math.round(gap / period) * period));
    }
  }
  chain.reverse();
  let n = 0;
  let sk = 0;
  let st = 0;
  let skk = 0;
  let skt = 0;
  for (const at of chain) {
    const k = steps[at] - steps[chain[0]];
    const t = ts[idx[at]];
    n++;
    sk += k;
    st += t;
    skk += k * k;
    skt += k * t;
  }
  const denom = n * skk - sk * sk;
  const fitted = denom > 0 ? (n * skt - sk * st) / denom : period;
  const origin = (st - fitted * sk) / n;
  return {
    periodNs: fitted,
    phaseNs: ((origin % fitted) + fitted) % fitted,
    toleranceNs: tol,
    members: () => Int32Array.from(chain, (at) => idx[at]),
    distinctPeriods: chain.length,
    deviationNs,
  };
}

/**
 * The spikes within `tol` of the grid, the closest one per period (the first of equals), in time order:
 * `n` of them in `scratch` (period number, spike, residual). The list is in time order, so one period's
 * spikes come together.
 */
function onGrid(
  ts: Float64Array,
  idx: Int32Array,
  period: number,
  origin: number,
  tol: number,
  scratch: GridScratch,
): number {
  let n = 0;
  for (let i = 0; i < idx.length; i++) {
    const j = idx[i];
    const k = Math.round((ts[j] - origin) / period);
    const residual = ts[j] - origin - k * period;
    if (Math.abs(residual) > tol) continue;
    if (n > 0 && scratch.period[n - 1] === k) {
      if (Math.abs(residual) < Math.abs(scratch.residual[n - 1])) {
        scratch.at[n - 1] = j;
        scratch.residual[n - 1] = residual;
      }
      continue;
    }
    scratch.period[n] = k;
    scratch.at[n] = j;
    scratch.residual[n] = residual;
    n++;
  }
  return n;
}

/**
 * Locks the grid onto its spikes: a few rounds of centring on the median residual, tightening the
 * tolerance to 5 robust σ of the residuals (at least 0.2% of the period) and refitting period and
 * origin by least squares over the closest spike of each period. Random spikes then rarely count.
 */
function refine(
  ts: Float64Array,
  idx: Int32Array,
  period: number,
  origin: number,
  tol: number,
  scratch: GridScratch,
): Family {
  const residuals = scratch.near;
  for (let round = 0; round < 4; round++) {
    let held = onGrid(ts, idx, period, origin, tol, scratch);
    if (held < 3) break;
    for (let i = 0; i < held; i++) residuals[i] = scratch.residual[i];
    const centre = medianInPlace(residuals.subarray(0, held));
    origin += centre;
    for (let i = 0; i < held; i++) residuals[i] = Math.abs(scratch.residual[i] - centre);
    const spread = 1.4826 * medianInPlace(residuals.subarray(0, held));
    tol = Math.min(tol, Math.max(0.002 * period, 5 * spread));
    let n = 0;
    let sk = 0;
    let st = 0;
    let skk = 0;
    let skt = 0;
    held = onGrid(ts, idx, period, origin, tol, scratch);
    for (let i = 0; i < held; i++) {
      const k = scratch.period[i];
      const t = ts[scratch.at[i]];
      n++;
      sk += k;
      st += t;
      skk += k * k;
      skt += k * t;
    }
    const denom = n * skk - sk * sk;
    if (n < 3 || denom <= 0) break;
    period = (n * skt - sk * st) / denom;
    origin = (st - period * sk) / n;
  }
  const held = onGrid(ts, idx, period, origin, tol, scratch);
  let deviationNs = 0;
  for (let i = 0; i < held; i++) deviationNs = Math.max(deviationNs, Math.abs(scratch.residual[i]));
  const members = () =>
    idx.filter((j) => {
      const k = Math.round((ts[j] - origin) / period);
      return Math.abs(ts[j] - origin - k * period) <= tol;
    });
  return {
    periodNs: period,
    phaseNs: ((origin % period) + period) % period,
    toleranceNs: tol,
    members,
    distinctPeriods: held,
    deviationNs,
  };
}

/**
 * The spike list, then its larger spikes alone, level by level (each a quarter of the one above): a
 * 50 ms stall every second stands out among thousands of microsecond spikes only once they are set aside.
 */
function magnitudeTiers(
  idx: Int32Array,
  durationNs: Float64Array,
  offsetNs: number,
  least: number,
): Int32Array[] {
  const tiers = [idx];
  const largest = idx.reduce((m, j) => Math.max(m, durationNs[j] - offsetNs), 0);
  for (let level = largest / 4; level > 0 && tiers.length < 8; level /= 4) {
    const tier = idx.filter((j) => durationNs[j] - offsetNs >= level);
    if (tier.length >= tiers[tiers.length - 1].length) break;
    if (tier.length >= least && tier.length < tiers[tiers.length - 1].length) tiers.splice(1, 0, tier);
  }
  return tiers;
}

/** Whether every index of `tier` is in `held` (both ascending, as every list here is). */
function within(tier: Int32Array, held: Int32Array): boolean {
  if (tier.length > held.length) return false;
  let h = 0;
  for (let i = 0; i < tier.length; i++) {
    while (h < held.length && held[h] < tier[i]) h++;
    if (h === held.length || held[h] !== tier[i]) return false;
  }
  return true;
}

/**
 * Families of spikes that recur with a period (the study: a hypervisor spike about every second),
 * largest first. Each family found is removed from the list before looking for the next.
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
  const minOccurrences = options.minOccurrences ?? 4;
  const minRegularity = options.minRegularity ?? 0.3;
  const logFalseAlarmLimit = Math.log(options.falseAlarm ?? 0.05);
  // Index lists are Int32Arrays in time order: a long run's list (tens of thousands of spikes) stays a few
  // hundred KiB each, where number arrays and Sets of them cost several MiB apiece on the CLI's heap.
  let remaining = Int32Array.from({ length: ts.length }, (_, i) => i);
  const scratch = new GridScratch(ts.length);
  const out: PeriodicSpikes[] = [];
  const barren: Int32Array[] = [];
  for (let f = 0; f < (options.maxFamilies ?? 3) && remaining.length >= minOccurrences; f++) {
    const tiers = magnitudeTiers(remaining, durationNs, offsetNs, minOccurrences);
    let family: Scored | null = null;
    const barrenNow: Int32Array[] = [];
    for (const tier of tiers) {
      // What held no family in an earlier round still holds none with a family's spikes taken out of it.
      if (barren.some((held) => within(tier, held))) continue;
      const found = bestFamily(
        ts,
        tier,
        minPeriod,
        firstTs,
        lastTs,
        minOccurrences,
        minRegularity,
        Math.log(tiers.length),
        logFalseAlarmLimit,
        scratch,
      );
      if (!found) barrenNow.push(tier);
      else if (!family || found.logFalseAlarm < family.logFalseAlarm) family = found;
    }
    if (!family) break;
    barren.push(...barrenNow);
    const { periodNs, phaseNs, regularity } = family;
    const members = family.members();
    out.push({
      periodNs,
      phaseNs,
      regularity,
      magnitudeNs: median(Array.from(members, (j) => durationNs[j] - offsetNs)),
      occurrences: family.distinctPeriods,
    });
    const taken = new Uint8Array(ts.length);
    for (const j of members) taken[j] = 1;
    remaining = remaining.filter((j) => !taken[j]);
  }
  return out.sort((a, b) => b.magnitudeNs - a.magnitudeNs);
}
