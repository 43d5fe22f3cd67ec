/**
 * The summary of a run, computed in one streaming pass and used everywhere (CLI, server, browser):
 *
 * - `summarizeRun(batches, options)` / `SummaryBuilder` → `RunSummary`: count, span, baseline, exact
 *   max and min with their timestamps, the K worst samples, a log-linear histogram (`percentile`),
 *   a min/max pyramid, spikes, per-second maxima, the tick (period, phase, cost), periodic spikes and the
 *   batch index (byte offset/length and ts range of every record batch).
 * - `m4(summary, t0, t1, columns)`: exact M4 from the pyramid with snapped column edges;
 *   `batchesCovering` + `m4FromSamples` for windows finer than the pyramid (`rawNeeded`).
 * - `encodeSummary` / `decodeSummary`: save a summary next to its run and load it again
 *   (`encodeSummaryChunks`: the same bytes in pieces, to write without a copy of the whole).
 * - `overheadPercentile(summary, p)`, `valueOf(summary, durationNs)`: the run's statistic (overhead
 *   for tick runs, latency for switch runs).
 */
export { summarizeRun, SummaryBuilder, type SummaryCheckpoint, type SummaryOptions } from "./summarize";
export {
  percentile,
  percentileInRange,
  countsFromBucket,
  createHistogram,
  recordValue,
  mergeHistograms,
  HISTOGRAM_RELATIVE_ERROR,
  type LogHistogram,
} from "./histogram";
export {
  batchCount,
  batchEntry,
  batchEntries,
  BatchIndexBuilder,
  emptyBatchIndex,
  type BatchIndex,
} from "./batch-index";
export { m4, m4Edges, m4FromSamples, batchesCovering, evenEdges, type M4Columns, type M4Result } from "./m4";
export { encodeSummary, encodeSummaryChunks, decodeSummary, summaryPathFor } from "./codec";
export { estimateBaseline, halfSampleMode, type BaselineEstimate } from "./baseline";
export { detectPeriodicSpikes } from "./periodicity";
export { estimateTick, tickFootprint, type TickFootprint } from "./tick";
export type { Pyramid, PyramidLevel } from "./pyramid";
export { pyramidBucketsFor, MOST_PYRAMID_BUCKETS } from "./pyramid-buckets";
export type {
  RunSummary,
  BatchIndexEntry,
  TickEstimate,
  TickFold,
  PeriodicSpikes,
  SpikeList,
  SecondMaxima,
} from "./types";
export { overheadPercentile, valueOf } from "./values";
export { summarizeHistogramRun } from "./histogram-run";
