/**
 * Statistics and comparison tables, from run summaries (lib/summary):
 *
 * - `runReport(summary, run, errors)`: the per-run object `tickscope analyze --json` prints.
 * - `summarizeBundleRun(bundle, run, options)`: a bundle run's saved summary, or one computed afresh.
 * - `buildComparison(runs, { statistic, kind, thresholdNs, reference, paperRows })` → `Comparison`;
 *   `toCsv`, `toMarkdown`, `toLatex` export it; `cellText`, `ratioText` write a cell as the screen does.
 * - `statisticOf(summary, "max" | "p99.9" | "above", { kind, thresholdNs })`, `parseStatistic`.
 * - duration and overhead, defined once (value-kind.ts); `samplesAtOrAbove`: exact threshold counts
 *   (threshold.ts); `histogramBins`: the histogram for a log axis (histogram-bins.ts).
 * - `parseDuration`, `formatDuration`, `formatRatio`: the one unit vocabulary (units.ts).
 * - `PAPER_TABLES`: the study's published tables as data.
 * - `attributeRun(batches, { summary, events, steal })`: what interrupted each sample, by kind and
 *   name, and the unexplained rest (attribution.ts, run-attribution.ts).
 */
export {
  runReport,
  REPORT_PERCENTILES,
  type RunReport,
  type RunDescriptor,
  type AttributionReport,
  type CauseReport,
} from "./report";
export { summarizeBundleRun, type BundleRunSummary } from "./summarize-bundle";
export { attributeBundleRun, eventFilesOf, type BundleRunAttribution } from "./attribute-bundle";
export {
  buildComparison,
  type Comparison,
  type ComparisonColumn,
  type ComparisonRow,
  type ComparisonOptions,
  type ComparedRun,
} from "./comparison";
export { toCsv, toMarkdown, toLatex, cellText, ratioText, tableTitle, CELL_DIGITS } from "./export";
export {
  statisticOf,
  parseStatistic,
  statisticLabel,
  isCount,
  type Statistic,
  type StatisticOptions,
} from "./statistic";
export {
  parseDuration,
  formatDuration,
  formatRatio,
  formatInstant,
  formatAxisTime,
  DurationError,
  DURATION_UNITS_TEXT,
} from "./units";
export { PAPER_TABLES, PAPER_SOURCE, PAPER_BASELINE, type PaperTable } from "./paper-hyperv-2013";
export { VALUE_KINDS, KIND_MEANING, asKind, convertKind, kindOffset, type ValueKind } from "./value-kind";
export { samplesAtOrAbove, ownThreshold, type ThresholdCount } from "./threshold";
export { histogramBins, BINS_PER_DECADE, type HistogramBins } from "./histogram-bins";
export {
  EventCursor,
  apportion,
  sampleCauses,
  type Cause,
  type CauseKind,
  type EventIntervals,
} from "./attribution";
export {
  attributeRun,
  RunAttributionBuilder,
  CAUSE_KINDS,
  WORST_ATTRIBUTED,
  type RunAttribution,
  type CauseTally,
  type AttributedSample,
} from "./run-attribution";
