import type { BaselineEstimate } from "./baseline";
import type { BatchIndex } from "./batch-index";
import type { LogHistogram } from "./histogram";
import type { Pyramid } from "./pyramid";

/** Where one record batch sits: for raw-window fetches (`File.slice`, HTTP Range) by time. */
export interface BatchIndexEntry {
  index: number;
  firstRow: number;
  rows: number;
  tsFirst: number;
  tsLast: number;
  /** Offset and length of the batch's IPC message in the run file (null when not known). */
  byteOffset: number | null;
  byteLength: number | null;
}

/** The kernel tick, estimated from a stretch of the run (lib/summary/tick.ts). */
export interface TickEstimate {
  periodNs: number;
  /** Median time the sample holding a tick took beyond its neighbours. */
  costNs: number;
  /** Where the ticks fall: their timestamps modulo the period. */
  phaseNs: number;
  /** Ticks seen (holding at least half the cost) in the stretch examined. */
  events: number;
  /** Share of the examined tick periods in which a tick was seen. */
  regularity: number;
  /** The stretch's excess folded over the period (absent from summaries saved before it was kept). */
  fold?: TickFold;
}

/**
 * The tick pattern folded over one period: the stretch the tick was estimated from, each sample placed
 * by its middle's phase in the period. The excess is a sample's duration less the median of its 16
 * neighbours, counted when above 0 and capped (a rare long stall does not outweigh thousands of ticks).
 */
export interface TickFold {
  /** Where bin 0 starts in the period (ns, 0 ≤ phase < period). */
  startPhaseNs: number;
  binNs: number;
  /** Per bin: the summed excess (ns) of the samples whose middle falls in it. */
  excessNs: Float64Array;
  /** Per bin: the samples whose middle falls in it. */
  samples: Float64Array;
}

export interface PeriodicSpikes {
  periodNs: number;
  /** Where in the period the spikes fall: their timestamps modulo the period. */
  phaseNs: number;
  /** Share of the periods in the run that hold a spike. */
  regularity: number;
  /** Median overhead of those spikes. */
  magnitudeNs: number;
  occurrences: number;
}

/** Every sample whose value (overhead; for switch runs the latency) exceeds the threshold. */
export interface SpikeList {
  thresholdNs: number;
  /** True when the list hit its size cap and the threshold was raised (doubled) to stay bounded. */
  raised: boolean;
  ts: Float64Array;
  durationNs: Float64Array;
}

/** The largest duration of every second (second k covers [k, k+1) s of `ts`); NaN where no sample. */
export interface SecondMaxima {
  firstSecond: number;
  maxDurationNs: Float64Array;
  maxTs: Float64Array;
}

export interface RunSummary {
  version: 1;
  /** `histogram` for runs imported from tools that keep only a histogram (no pyramid, no spikes). */
  kind: "samples" | "histogram";
  test: string;
  count: number;
  firstTs: number;
  lastTs: number;
  spanNs: number;
  baseline: BaselineEstimate;
  /**
   * Subtracted from a duration to get the run's value: the baseline for tick runs (overhead), 0 for
   * switch runs (the latency is the duration itself).
   */
  offsetNs: number;
  max: { durationNs: number; ts: number };
  min: { durationNs: number; ts: number };
  /** The K largest durations, largest first (earlier first on ties). */
  worst: { durationNs: Float64Array; ts: Float64Array };
  /** Durations (not overheads): overhead percentiles are these minus `offsetNs`. */
  histogram: LogHistogram;
  pyramid: Pyramid;
  spikes: SpikeList;
  seconds: SecondMaxima;
  tick: TickEstimate | null;
  periodicSpikes: PeriodicSpikes[];
  /** Where each record batch sits (lib/summary/batch-index.ts: columns; `batchEntry` for one as an object). */
  batches: BatchIndex;
  /** How the summary was made (thresholds in the run's value units). */
  settings: {
    worstK: number;
    pyramidBuckets: number;
    spikeThresholdNs: number;
  };
}
