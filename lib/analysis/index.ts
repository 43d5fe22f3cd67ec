/**
 * Statistics and comparison tables, from run summaries (lib/summary):
 *
 * - `runReport(summary, run, errors)`: the per-run object `tickscope analyze --json` prints.
 * - `summarizeBundleRun(bundle, run, options)`: a bundle run's saved summary, or one computed afresh.
 * - `buildComparison(runs, { statistic, reference, paperRows })` → `Comparison`; `toCsv`,
 *   `toMarkdown`, `toLatex` export it.
 * - `statisticOf(summary, "max" | "p99.9" …)`, `parseStatistic`.
 * - `parseDuration`, `formatDuration`, `formatRatio`: the one unit vocabulary (units.ts).
 * - `PAPER_TABLES`: the study's published tables as data.
 */
export { runReport, REPORT_PERCENTILES, type RunReport, type RunDescriptor } from "./report";
export { summarizeBundleRun, type BundleRunSummary } from "./summarize-bundle";
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
