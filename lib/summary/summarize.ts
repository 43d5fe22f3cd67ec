/**
 * The one-pass summary of a run. Memory does not grow with the run's length except for the pyramid
 * (bounded by its bucket cap), the per-second maxima and the spike list (capped: its threshold doubles
 * when it fills). Thresholds need the baseline, so the first ~1M samples are held back, the baseline,
 * the tick and the thresholds are estimated from them, and then every sample goes through one tight
 * loop doing the histogram, pyramid level 0, per-second maxima, worst-K and spikes together.
 */
import type { SampleBatch } from "../format/run-reader";
import { sampleAndEstimate, type BaselineEstimate } from "./baseline";
import { createHistogram, HISTOGRAM_BUCKETS, type LogHistogram } from "./histogram";
import { detectPeriodicSpikes } from "./periodicity";
import { DEFAULT_PYRAMID_BUCKETS, PyramidBuilder, type PyramidSnapshot } from "./pyramid";
import { estimateTick, TICK_WINDOW_SAMPLES } from "./tick";
import { BatchIndexBuilder, type BatchIndex } from "./batch-index";
import type { RunSummary, TickEstimate } from "./types";

export interface SummaryOptions {
  /** `tick` (values are overheads over the baseline) or `switch` (values are the latencies). Default tick. */
  test?: string;
  worstK?: number;
  pyramidBuckets?: number;
  /** Spike threshold in the run's value units (overhead for tick runs); derived from the baseline by default. */
  spikeThresholdNs?: number;
  /** Most spikes kept; past it the threshold doubles. */
  maxSpikes?: number;
  /** Samples held back to estimate the baseline and thresholds. */
  warmupSamples?: number;
  /** CONFIG_HZ from the run's fingerprint: the tick is looked for at that rate first. */
  hz?: number | null;
}

const DEFAULT_WARMUP = 1_000_000;

class Growable {
  data: Float64Array;
  length = 0;
  constructor(capacity = 1024) {
    this.data = new Float64Array(capacity);
  }
  /** Replaces the contents with a copy of `values` (keeping at least its capacity). */
  assign(values: Float64Array): void {
    this.data = new Float64Array(Math.max(this.data.length, values.length));
    this.data.set(values);
    this.length = values.length;
  }
  ensure(n: number): void {
    if (n <= this.data.length) return;
    let size = this.data.length * 2;
    while (size < n) size *= 2;
    const next = new Float64Array(size);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
  push(v: number): void {
    if (this.length === this.data.length) this.ensure(this.length + 1);
    this.data[this.length++] = v;
  }
  toArray(): Float64Array {
    return this.data.slice(0, this.length);
  }
}

interface Thresholds {
  baseline: BaselineEstimate;
  offset: number;
  spikeD: number;
  tick: TickEstimate | null;
}

/** The last TICK_WINDOW_SAMPLES held-back samples, as one stretch. */
function lastStretch(pending: SampleBatch[]): { ts: Float64Array; du: Float64Array } {
  const rows = Math.min(
    TICK_WINDOW_SAMPLES,
    pending.reduce((n, b) => n + b.ts.length, 0),
  );
  const ts = new Float64Array(rows);
  const du = new Float64Array(rows);
  let at = rows;
  for (let b = pending.length - 1; b >= 0 && at > 0; b--) {
    const batch = pending[b];
    const take = Math.min(at, batch.ts.length);
    const from = batch.ts.length - take;
    at -= take;
    ts.set(batch.ts.subarray(from), at);
    du.set(batch.duration.subarray(from), at);
  }
  return { ts, du };
}

function deriveThresholds(pending: SampleBatch[], options: SummaryOptions, test: string): Thresholds {
  const { estimate: baseline } = sampleAndEstimate(pending.map((b) => b.duration));
  // Switch runs show periodic interruptions too, but as spikes in a few of each period's thousands of
  // samples (the spike families find them); what a tick costs is the tick test's question.
  const stretch = test === "switch" ? null : lastStretch(pending);
  const tick = stretch
    ? estimateTick(stretch.ts, stretch.du, { expectedPeriodNs: options.hz ? 1e9 / options.hz : null })
    : null;
  const B = baseline.ns;
  const lowOver = Math.max(6 * baseline.spreadNs, 0.005 * B, 1);
  const offset = test === "switch" ? 0 : B;
  const spikeD =
    options.spikeThresholdNs !== undefined
      ? offset + options.spikeThresholdNs
      : B + Math.max(50 * baseline.spreadNs, 4 * lowOver, 4 * (tick?.costNs ?? 0));
  return { baseline, offset, spikeD, tick };
}

/** The scalar fields of a SummaryBuilder that a checkpoint carries as they are. */
const SCALAR_STATE = [
  "count",
  "firstTs",
  "lastTs",
  "bIdx",
  "bEnd",
  "bCount",
  "bMin",
  "bMinTs",
  "bMax",
  "bMaxTs",
  "bFirst",
  "bFirstTs",
  "lastD",
  "minD",
  "minTs",
  "maxD",
  "maxTs",
  "secFirst",
  "secIdx",
  "secEnd",
  "sMax",
  "sMaxTs",
  "heapN",
  "spikesRaised",
] as const;

/**
 * A summary in progress, copied: `SummaryBuilder.resume` continues from it with the batches that follow
 * (`count` samples, `batches` record batches in) and finishes with the summary a single pass gives.
 * Plain data (numbers, typed arrays, objects): structured-cloneable, e.g. by v8.serialize.
 */
export interface SummaryCheckpoint {
  version: 1;
  options: SummaryOptions;
  scalars: Record<(typeof SCALAR_STATE)[number], number | boolean>;
  thresholds: Thresholds;
  histogram: LogHistogram;
  pyramid: PyramidSnapshot;
  batches: BatchIndex;
  secMax: Float64Array;
  secMaxTs: Float64Array;
  heapD: Float64Array;
  heapT: Float64Array;
  spikeTs: Float64Array;
  spikeDur: Float64Array;
}

/** Builds a RunSummary from batches handed to it in order; `finish()` once at the end. */
export class SummaryBuilder {
  private readonly test: string;
  private readonly worstK: number;
  private readonly cap: number;
  private readonly maxSpikes: number;
  private readonly warmup: number;
  private pending: SampleBatch[] = [];
  private pendingRows = 0;
  /**
   * Copies of the held-back samples (of a reader that reuses its arrays), in one buffer allocated once
   * and kept until `finish`: copied batch by batch, they became garbage when the thresholds were known
   * and were freed at whichever full collection came next, so a collector's peak memory depended on when
   * that was (±12 MiB between identical runs).
   */
  private held: { ts: Float64Array; du: Float64Array; used: number } | null = null;
  private th: Thresholds | null = null;
  /** The run's last timestamp, when known ahead (expectLastTs). */
  private expectedLastTs = -Infinity;

  private count = 0;
  private firstTs = NaN;
  private lastTs = NaN;
  private hist: LogHistogram = createHistogram();
  private pyramid: PyramidBuilder;
  private batches = new BatchIndexBuilder();

  // The level-0 bucket being filled. Fields start as doubles (NaN) so that V8 never has to widen
  // them from small integers mid-run, which changes the object's map and deoptimises the hot loop.
  private bIdx = -1;
  private bEnd = -Infinity;
  private bCount = 0;
  private bMin = NaN;
  private bMinTs = NaN;
  private bMax = NaN;
  private bMaxTs = NaN;
  private bFirst = NaN;
  private bFirstTs = NaN;
  private lastD = NaN;
  private minD = Infinity;
  private minTs = NaN;
  private maxD = -Infinity;
  private maxTs = NaN;

  // The second being filled.
  private secFirst = NaN;
  private secIdx = -1;
  private secEnd = -Infinity;
  private sMax = -Infinity;
  private sMaxTs = NaN;
  private readonly secMax = new Growable();
  private readonly secMaxTs = new Growable();

  private heapD: Float64Array;
  private heapT: Float64Array;
  private heapN = 0;

  // Sized for the most spikes kept, once: grown by doubling they left their smaller copies as garbage and
  // held up to twice the cap (a Float64Array's untouched pages take no memory).
  private readonly spikeTs: Growable;
  private readonly spikeDur: Growable;
  private spikesRaised = false;

  /** The hot loop's state handed to and from scanQuietSamples. */
  private readonly scanState = new Float64Array(9);
  /** Integer counts for one batch (cheaper to increment), added to the histogram after it. */
  private readonly batchCounts = new Uint32Array(HISTOGRAM_BUCKETS);

  constructor(private readonly options: SummaryOptions = {}) {
    this.test = options.test ?? "tick";
    this.worstK = Math.max(1, options.worstK ?? 64);
    this.cap = options.pyramidBuckets ?? DEFAULT_PYRAMID_BUCKETS;
    this.maxSpikes = options.maxSpikes ?? 200_000;
    this.spikeTs = new Growable(this.maxSpikes);
    this.spikeDur = new Growable(this.maxSpikes);
    this.warmup = options.warmupSamples ?? DEFAULT_WARMUP;
    this.pyramid = new PyramidBuilder(this.cap);
    this.heapD = new Float64Array(this.worstK);
    this.heapT = new Float64Array(this.worstK);
  }

  /**
   * Its whole state so far, copied (later batches do not change it); null while the first samples are
   * still held back to estimate the baseline (a checkpoint does not carry them). `copy: false` shares
   * the builder's arrays instead: for saving at once, before the builder is given another batch.
   */
  checkpoint({ copy = true }: { copy?: boolean } = {}): SummaryCheckpoint | null {
    if (!this.th) return null;
    const self = this as unknown as Record<string, number | boolean>;
    const scalars = Object.fromEntries(SCALAR_STATE.map((key) => [key, self[key]]));
    const state: SummaryCheckpoint = {
      version: 1,
      options: this.options,
      scalars: scalars as SummaryCheckpoint["scalars"],
      thresholds: this.th,
      histogram: this.hist,
      pyramid: this.pyramid.snapshot(copy),
      batches: this.batches.index({ copy }),
      secMax: this.secMax.toArray(),
      secMaxTs: this.secMaxTs.toArray(),
      heapD: this.heapD,
      heapT: this.heapT,
      spikeTs: this.spikeTs.toArray(),
      spikeDur: this.spikeDur.toArray(),
    };
    return copy ? structuredClone(state) : state;
  }

  /** A builder that continues from a checkpoint: give it the batches after the checkpoint's, in order. */
  static resume(checkpoint: SummaryCheckpoint): SummaryBuilder {
    if (checkpoint.version !== 1)
      throw new Error(`summary checkpoint version ${checkpoint.version}: expected 1`);
    const copy = structuredClone(checkpoint);
    const builder = new SummaryBuilder(copy.options);
    Object.assign(builder, copy.scalars);
    builder.th = copy.thresholds;
    builder.hist = copy.histogram;
    builder.pyramid.restore(copy.pyramid);
    builder.batches = BatchIndexBuilder.from(copy.batches);
    builder.secMax.assign(copy.secMax);
    builder.secMaxTs.assign(copy.secMaxTs);
    builder.heapD = copy.heapD;
    builder.heapT = copy.heapT;
    builder.spikeTs.assign(copy.spikeTs);
    builder.spikeDur.assign(copy.spikeDur);
    return builder;
  }

  /**
   * The run's last timestamp, known before its end (its file's last record batch): level 0 takes its final
   * width at once, with no widening on the way and fewer bucket boundaries to cross; the summary is the
   * same (a widening merges buckets exactly). Never give more than the true last timestamp.
   */
  expectLastTs(lastTs: number): void {
    if (!Number.isFinite(lastTs)) return;
    this.expectedLastTs = lastTs;
    if (!Number.isNaN(this.pyramid.origin)) this.pyramid.reach(this.pyramid.origin, lastTs);
  }

  add(batch: SampleBatch): void {
    const n = batch.ts.length;
    this.batches.add(
      batch.index,
      batch.firstRow,
      n,
      n ? batch.ts[0] : NaN,
      n ? batch.ts[n - 1] : NaN,
      batch.byteOffset ?? NaN,
      batch.byteLength ?? NaN,
    );
    if (n === 0) return;
    if (this.th) {
      this.process(batch);
      return;
    }
    // Held back until the thresholds are known: copied if the reader reuses its arrays, unless the
    // thresholds are derived right now (before the reader is asked for the next batch).
    const startsNow = this.pendingRows + n >= this.warmup;
    this.pending.push(batch.reused && !startsNow ? this.hold(batch) : batch);
    this.pendingRows += n;
    if (startsNow) this.start();
  }

  /** A held-back batch's samples copied into the one buffer (which fits them: past `warmup` rows, `start`). */
  private hold(batch: SampleBatch): SampleBatch {
    const held = (this.held ??= {
      ts: new Float64Array(this.warmup),
      du: new Float64Array(this.warmup),
      used: 0,
    });
    const from = held.used;
    const to = from + batch.ts.length;
    held.ts.set(batch.ts, from);
    held.du.set(batch.duration, from);
    held.used = to;
    return { ...batch, ts: held.ts.subarray(from, to), duration: held.du.subarray(from, to), reused: false };
  }

  private start(): void {
    this.th = deriveThresholds(this.pending, this.options, this.test);
    const { ns, spreadNs } = this.th.baseline;
    this.hist = createHistogram(Math.max(0, Math.floor(ns - Math.max(10 * spreadNs, 0.01 * ns))));
    for (const batch of this.pending) this.process(batch);
    this.pending = [];
  }

  private pushWorst(d: number, t: number): void {
    const D = this.heapD;
    const T = this.heapT;
    let i: number;
    if (this.heapN < this.worstK) {
      i = this.heapN++;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!worse(d, t, D[p], T[p])) break;
        D[i] = D[p];
        T[i] = T[p];
        i = p;
      }
      D[i] = d;
      T[i] = t;
      return;
    }
    // Replace the root (the least bad kept) and sift down.
    i = 0;
    const n = this.heapN;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && worse(D[r], T[r], D[l], T[l]) ? r : l;
      if (!worse(D[c], T[c], d, t)) break;
      D[i] = D[c];
      T[i] = T[c];
      i = c;
    }
    D[i] = d;
    T[i] = t;
  }

  private raiseSpikeThreshold(): number {
    const th = this.th!;
    th.spikeD = th.offset + 2 * Math.max(1, th.spikeD - th.offset);
    let kept = 0;
    const ts = this.spikeTs.data;
    const du = this.spikeDur.data;
    for (let i = 0; i < this.spikeTs.length; i++) {
      if (du[i] > th.spikeD) {
        ts[kept] = ts[i];
        du[kept] = du[i];
        kept++;
      }
    }
    this.spikeTs.length = kept;
    this.spikeDur.length = kept;
    this.spikesRaised = true;
    return th.spikeD;
  }

  private process(batch: SampleBatch): void {
    const ts = batch.ts;
    const du = batch.duration;
    const n = ts.length;
    const th = this.th!;
    if (Number.isNaN(this.firstTs)) {
      this.firstTs = ts[0];
      this.secFirst = Math.floor(ts[0] / 1e9);
    }
    this.pyramid.reach(ts[0], Math.max(ts[n - 1], this.expectedLastTs));
    const origin = this.pyramid.origin;
    const width = this.pyramid.widthNs;
    const counts = this.batchCounts;
    const shift = this.hist.shiftNs;
    // A bucket begun under a narrower level 0 continues in the widened one.
    if (this.bCount > 0 && this.bIdx >= 0) {
      const k = Math.floor((this.bFirstTs - origin) / width);
      this.bIdx = k;
      this.bEnd = origin + (k + 1) * width;
    }
    let bIdx = this.bIdx;
    let bEnd = this.bEnd;
    let bCount = this.bCount;
    let bMin = this.bMin;
    let bMinTs = this.bMinTs;
    let bMax = this.bMax;
    let bMaxTs = this.bMaxTs;
    let bFirst = this.bFirst;
    let bFirstTs = this.bFirstTs;
    let lastD = this.lastD;
    const lastT = this.lastTs;
    let secEnd = this.secEnd;
    let sMax = this.sMax;
    let sMaxTs = this.sMaxTs;
    let spikeD = th.spikeD;
    let worstMin = this.heapN < this.worstK ? -Infinity : this.heapD[0];
    // One comparison per sample guards each rare path: the next bucket or second boundary, and
    // the lowest value that matters to worst-K or to events.
    let nextBoundary = bEnd < secEnd ? bEnd : secEnd;
    let gate = spikeD < worstMin ? spikeD : worstMin;

    const st = this.scanState;
    let i = 0;
    while (i < n) {
      st[0] = nextBoundary;
      st[1] = gate;
      st[2] = bMin;
      st[3] = bMinTs;
      st[4] = bMax;
      st[5] = bMaxTs;
      st[6] = sMax;
      st[7] = sMaxTs;
      st[8] = bCount;
      i = scanQuietSamples(ts, du, i, n, counts, shift, st);
      bMin = st[2];
      bMinTs = st[3];
      bMax = st[4];
      bMaxTs = st[5];
      sMax = st[6];
      sMaxTs = st[7];
      bCount = st[8];
      if (i >= n) break;

      // Sample i crosses a boundary or passes the gate: the full treatment.
      const t = ts[i];
      const d = du[i];

      const v = d > shift ? d - shift : 0;
      if (v < 256) counts[v]++;
      else if (v < 4294967296) {
        const e = 31 - Math.clz32(v);
        counts[128 * (e - 7) + (v >>> (e - 7))]++;
      } else {
        const e = 63 - Math.clz32(Math.floor(v / 4294967296));
        counts[128 * (e - 7) + Math.floor(v / 2 ** (e - 7))]++;
      }

      if (t >= nextBoundary) {
        if (t >= bEnd) {
          if (bCount > 0) {
            const lD = i > 0 ? du[i - 1] : lastD;
            const lT = i > 0 ? ts[i - 1] : lastT;
            this.pyramid.add(bIdx, bCount, bMin, bMinTs, bMax, bMaxTs, bFirst, bFirstTs, lD, lT);
            if (bMin < this.minD) {
              this.minD = bMin;
              this.minTs = bMinTs;
            }
          }
          bIdx = Math.floor((t - origin) / width);
          bEnd = origin + (bIdx + 1) * width;
          bCount = 0;
          bMin = bMax = bFirst = d;
          bMinTs = bMaxTs = bFirstTs = t;
        }
        if (t >= secEnd) {
          this.flushSecond(sMax, sMaxTs);
          const sec = Math.floor(t / 1e9);
          this.secIdx = sec - this.secFirst;
          secEnd = (sec + 1) * 1e9;
          sMax = d;
          sMaxTs = t;
        }
        nextBoundary = bEnd < secEnd ? bEnd : secEnd;
      }
      if (d < bMin) {
        bMin = d;
        bMinTs = t;
      } else if (d > bMax) {
        bMax = d;
        bMaxTs = t;
      }
      if (d > sMax) {
        sMax = d;
        sMaxTs = t;
      }
      bCount++;

      if (d > gate) {
        if (d > worstMin) {
          this.pushWorst(d, t);
          if (this.heapN === this.worstK) {
            worstMin = this.heapD[0];
            gate = spikeD < worstMin ? spikeD : worstMin;
          }
        }
        if (d > spikeD) {
          if (this.spikeTs.length >= this.maxSpikes) {
            spikeD = this.raiseSpikeThreshold();
            gate = spikeD < worstMin ? spikeD : worstMin;
          }
          if (d > spikeD) {
            this.spikeTs.push(t);
            this.spikeDur.push(d);
          }
        }
      }
      i++;
    }
    lastD = du[n - 1];

    this.count += n;
    this.lastTs = ts[n - 1];
    this.hist.total += n;
    const total = this.hist.counts;
    for (let k = 0; k < counts.length; k++) {
      if (counts[k]) {
        total[k] += counts[k];
        counts[k] = 0;
      }
    }
    Object.assign(this, {
      bIdx,
      bEnd,
      bCount,
      bMin,
      bMinTs,
      bMax,
      bMaxTs,
      bFirst,
      bFirstTs,
      lastD,
      secEnd,
      sMax,
      sMaxTs,
    });
  }

  private flushSecond(max: number, maxTs: number): void {
    if (this.secIdx < 0) return;
    const at = this.secIdx;
    for (const g of [this.secMax, this.secMaxTs]) {
      g.ensure(at + 1);
      while (g.length < at) g.data[g.length++] = NaN;
      g.data[at] = 0;
      g.length = at + 1;
    }
    this.secMax.data[at] = max;
    this.secMaxTs.data[at] = maxTs;
    if (max > this.maxD) {
      this.maxD = max;
      this.maxTs = maxTs;
    }
  }

  /**
   * The summary. `upperLevels: false` is for a summary that is only saved (encodeSummaryChunks stores
   * level 0; loading rebuilds the levels above): its pyramid holds level 0 alone, which spares the run's
   * end an allocation as large as level 0 (38 MiB at 2^19 buckets).
   */
  finish({ upperLevels = true }: { upperLevels?: boolean } = {}): RunSummary {
    if (!this.th && this.pending.length) this.start();
    this.held = null;
    const th = this.th;
    if (this.bCount > 0) {
      this.pyramid.add(
        this.bIdx,
        this.bCount,
        this.bMin,
        this.bMinTs,
        this.bMax,
        this.bMaxTs,
        this.bFirst,
        this.bFirstTs,
        this.lastD,
        this.lastTs,
      );
      if (this.bMin < this.minD) {
        this.minD = this.bMin;
        this.minTs = this.bMinTs;
      }
    }
    this.flushSecond(this.sMax, this.sMaxTs);
    this.hist.min = this.count ? this.minD : NaN;
    this.hist.max = this.count ? this.maxD : NaN;

    const order = Array.from({ length: this.heapN }, (_, i) => i).sort((a, b) =>
      worse(this.heapD[a], this.heapT[a], this.heapD[b], this.heapT[b]) ? 1 : -1,
    );
    const offset = th?.offset ?? 0;
    const spanNs = this.count ? this.lastTs - this.firstTs : 0;
    const spikeTs = this.spikeTs.toArray();
    const spikeDur = this.spikeDur.toArray();
    return {
      version: 1,
      kind: "samples",
      test: this.test,
      count: this.count,
      firstTs: this.count ? this.firstTs : NaN,
      lastTs: this.count ? this.lastTs : NaN,
      spanNs,
      baseline: th?.baseline ?? { ns: NaN, spreadNs: NaN, sampled: 0 },
      offsetNs: offset,
      max: { durationNs: this.count ? this.maxD : NaN, ts: this.maxTs },
      min: { durationNs: this.count ? this.minD : NaN, ts: this.minTs },
      worst: {
        durationNs: Float64Array.from(order, (i) => this.heapD[i]),
        ts: Float64Array.from(order, (i) => this.heapT[i]),
      },
      histogram: this.hist,
      pyramid: this.pyramid.finish(upperLevels),
      spikes: {
        thresholdNs: th ? th.spikeD - offset : NaN,
        raised: this.spikesRaised,
        ts: spikeTs,
        durationNs: spikeDur,
      },
      seconds: {
        firstSecond: Number.isNaN(this.secFirst) ? 0 : this.secFirst,
        maxDurationNs: this.secMax.toArray(),
        maxTs: this.secMaxTs.toArray(),
      },
      tick: th?.tick ?? null,
      periodicSpikes: detectPeriodicSpikes(spikeTs, spikeDur, offset, this.firstTs, this.lastTs),
      batches: this.batches.index(),
      settings: {
        worstK: this.worstK,
        pyramidBuckets: this.cap,
        spikeThresholdNs: th ? th.spikeD - offset : NaN,
      },
    };
  }
}

/**
 * The hot loop, kept small and free of object state so V8 optimises it once and keeps it: it runs
 * over samples that need only the histogram, the bucket's min/max and the second's max, and stops at
 * the first sample that crosses a bucket or second boundary or passes the gate (worst-K or spikes),
 * returning its index. State in and out through `st`: next boundary, gate, bucket min, its ts,
 * bucket max, its ts, second max, its ts, bucket count.
 */
function scanQuietSamples(
  ts: Float64Array,
  du: Float64Array | Uint32Array,
  from: number,
  n: number,
  counts: Uint32Array,
  shift: number,
  st: Float64Array,
): number {
  const nextBoundary = st[0];
  const gate = st[1];
  let bMin = st[2];
  let bMinTs = st[3];
  let bMax = st[4];
  let bMaxTs = st[5];
  let sMax = st[6];
  let sMaxTs = st[7];
  let i = from;
  for (; i < n; i++) {
    const t = ts[i];
    if (t >= nextBoundary) break;
    const d = du[i];
    if (d > gate) break;
    const v = d > shift ? d - shift : 0;
    if (v < 256) counts[v]++;
    else if (v < 4294967296) {
      const e = 31 - Math.clz32(v);
      counts[128 * (e - 7) + (v >>> (e - 7))]++;
    } else {
      const e = 63 - Math.clz32(Math.floor(v / 4294967296));
      counts[128 * (e - 7) + Math.floor(v / 2 ** (e - 7))]++;
    }
    if (d < bMin) {
      bMin = d;
      bMinTs = t;
    } else if (d > bMax) {
      bMax = d;
      bMaxTs = t;
    }
    if (d > sMax) {
      sMax = d;
      sMaxTs = t;
    }
  }
  st[2] = bMin;
  st[3] = bMinTs;
  st[4] = bMax;
  st[5] = bMaxTs;
  st[6] = sMax;
  st[7] = sMaxTs;
  st[8] += i - from;
  return i;
}

/** `a` ranks below `b` in the worst-K order: smaller, or equal and later. */
function worse(aD: number, aT: number, bD: number, bT: number): boolean {
  return aD < bD || (aD === bD && aT > bT);
}

/**
 * Summarises a run from its batches in one pass. Give it `readRunBatches(source, file,
 * { reuseTimestamps: true })`: it keeps nothing of a batch once it has asked for the next one.
 */
export async function summarizeRun(
  batches: AsyncIterable<SampleBatch> | Iterable<SampleBatch>,
  options: SummaryOptions = {},
): Promise<RunSummary> {
  const builder = new SummaryBuilder(options);
  for await (const batch of batches) builder.add(batch);
  return builder.finish();
}
