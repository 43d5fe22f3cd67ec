import type { FormatProblem } from "../format/errors";
import type { RunFields } from "../format/manifest";
import type { Pyramid, RunSummary } from "../summary";
import type { RunAttribution } from "../analysis/run-attribution";
import type { Cause } from "../analysis/attribution";
import type { FineColumns } from "../analysis/event-fine-bins";
import type { EventKind } from "../format/events-contract";

/** `cancelled`: its read from its samples was stopped in the page; it can be opened again. */
export type RunState = "loading" | "ready" | "error" | "cancelled";

export interface Progress {
  bytes: number;
  totalBytes: number;
  samples: number;
  /** While a run is read from its samples: the ms the read still takes, once there is a rate (lib/workspace/time-left.ts). */
  msLeft?: number | null;
}

/** A percentile as a fraction label ("99.9") and its value in ns. */
export interface PercentilePoint {
  p: number;
  value: number;
}

/** What the page needs to know about a summarised run; the full summary stays in its worker. */
export interface RunDigest {
  kind: "samples" | "histogram";
  count: number;
  startNs: number;
  endNs: number;
  /** Typical sample without interruption (ns). */
  baselineNs: number;
  /** Subtracted from a duration to get the run's statistic: the baseline for tick runs (overhead), 0 for switch runs. */
  offsetNs: number;
  max: { value: number; ts: number | null };
  /** The few worst samples, worst first. */
  worst: { ts: number; value: number }[];
  percentiles: PercentilePoint[];
  /** Log-spaced histogram of durations (lib/analysis/histogram-bins): lower bound of each bin (ns) and its count. */
  histogram: { lower: number[]; counts: number[] };
  tick: { periodNs: number; phaseNs: number; noTickNs: number; tickNs: number; costNs: number } | null;
  periods: { periodNs: number; phaseNs: number; regularity: number; magnitudeNs: number }[];
  thresholdNs: number;
  spikeCount: number;
  /** A light copy of the summary (no pyramid, spikes or batch index) for lib/analysis in the page. */
  comparable?: RunSummary;
  /** The pyramid's coarse levels (lib/workspace/coarse-window.ts): the page draws a moved window from them at once. */
  coarse?: Pyramid;
  /** The summary's spike list (capped), for the page's DuckDB tables (lib/db/tables). */
  spikeList?: { ts: Float64Array; durationNs: Float64Array };
}

export interface RunEntry {
  /** Unique in the workspace: source name, then the run id. */
  key: string;
  id: string;
  /** The file or bundle it came from, shown beside errors. */
  source: string;
  file: string;
  test: string | null;
  fields: RunFields;
  /** How the page names the run: its own label, unique among the open runs (lib/workspace/run-labels). */
  label?: string;
  state: RunState;
  progress: Progress;
  error?: FormatProblem & { message: string };
  digest?: RunDigest;
  /** "recovered: N samples, the run did not finish": its file has no footer (lib/format/recovery.ts). */
  recovered?: string;
  /** Why its saved summary could not be used (it was summarised from its samples instead). */
  summaryProblem?: string;
  /** What the run's kernel events explain: undefined while read, null when the run has none. */
  events?: RunEventsState;
}

export interface RunEventsState {
  attribution: RunAttribution | null;
  /** Events the kernel dropped while recording (the events file's count). */
  lostEvents: number | null;
  /** Why the events file could not be used, when it could not. */
  problem: (FormatProblem & { message: string }) | null;
}

/** One column of the timeline: the exact min and max of the samples under it, and where they are. */
export interface WindowColumns {
  t0: number;
  t1: number;
  /** Column start times (ns). */
  start: Float64Array;
  min: Float64Array;
  max: Float64Array;
  minTs: Float64Array;
  maxTs: Float64Array;
  count: Float64Array;
  /** The raw samples, when the window holds few enough to draw as points. */
  raw: { ts: Float64Array; value: Float64Array } | null;
  /** How the window was answered: the summary's pyramid or the raw samples (or, in the page, its coarse levels). */
  source: "pyramid" | "raw" | "coarse";
  samples: number;
}

/** A window's raw samples (t0 ≤ ts < t1), or only their count when it is above the cap. */
export interface WindowSamples {
  t0: number;
  t1: number;
  /** Samples in the window, exactly. */
  count: number;
  cap: number;
  /** In time order; null when refused (count > cap). */
  ts: Float64Array | null;
  duration: Float64Array | null;
}

export interface HeatmapCells {
  periodNs: number;
  phaseNs: number;
  secondStart: number;
  seconds: number;
  rows: number;
  /** seconds × rows maximum overhead (ns), row-major by second; NaN where no sample. */
  values: Float64Array;
  maxValue: number;
}

/** The timeline's events track for a window (lib/workspace/events-window.ts). */
export interface EventsWindow {
  t0: number;
  t1: number;
  /** Events overlapping the window. */
  count: number;
  /** Each event, when there are few enough; sorted by start. */
  exact: { ts: Float64Array; end: Float64Array; kind: EventKind[]; name: string[] } | null;
  /**
   * Otherwise per column (row-major, `kinds` per column) of the bins' own window [t0, t1) (the asked
   * window, or snapped outward to the run's fine bins when zoomed out): the time each kind's events
   * cover there (ns) and how many start there.
   */
  bins: FineColumns | null;
}

/** What took one sample's lost time (its overhead): null when the run has no kernel events. */
export interface SampleCauses {
  ts: number;
  durationNs: number;
  lostNs: number;
  causes: Cause[] | null;
}
