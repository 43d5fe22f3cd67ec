/**
 * The tables the page loads into DuckDB as each run opens: their names, columns, SQL types and
 * meanings. This is a contract (README, "DuckDB tables"): the workbench shows it as its catalogue and
 * the loader creates the tables from it. Durations are as measured; overheads are the duration less
 * the run's baseline for tick runs, and the latency itself for switch runs (lib/analysis/value-kind.ts).
 */
import { RUN_PERCENTILES } from "./summary-rows";

export type ColumnType = "VARCHAR" | "INTEGER" | "BIGINT" | "DOUBLE";

export interface CatalogueColumn {
  name: string;
  type: ColumnType;
  meaning: string;
}

export interface CatalogueTable {
  name: TableName;
  meaning: string;
  columns: CatalogueColumn[];
}

export const TABLE_NAMES = [
  "runs",
  "histogram",
  "spikes",
  "seconds",
  "periods",
  "tick_fold",
  "samples",
  "load_errors",
] as const;
export type TableName = (typeof TABLE_NAMES)[number];

const c = (name: string, type: ColumnType, meaning: string): CatalogueColumn => ({ name, type, meaning });
const RUN_ID = c("run_id", "VARCHAR", "the run (runs.run_id)");
const SAMPLE_START = c("ts_ns", "DOUBLE", "the sample's start (ns)");
const SAMPLE_DURATION = c("duration_ns", "DOUBLE", "the sample's duration (ns)");

export const CATALOGUE: CatalogueTable[] = [
  {
    name: "runs",
    meaning: "one row per open run whose summary loaded",
    columns: [
      c("run_id", "VARCHAR", "unique among the open runs: the bundle, then the run's id"),
      c("bundle", "VARCHAR", "the file or bundle it came from"),
      c("label", "VARCHAR", "the run's label (its id when it has none)"),
      c("environment", "VARCHAR", "bare-machine, enlightened, emulated, … (null when not given)"),
      c("scenario", "VARCHAR", "the load beside the test (null when not given)"),
      c("test", "VARCHAR", "tick or switch"),
      c("threads", "INTEGER", "threads of a switch run (null for tick runs)"),
      c("samples", "BIGINT", "samples in the run"),
      c("start_ns", "DOUBLE", "the first sample's timestamp (ns since the run started)"),
      c("end_ns", "DOUBLE", "the last sample's timestamp (ns)"),
      c("baseline_ns", "DOUBLE", "duration of the uninterrupted loop (ns)"),
      c("max_duration_ns", "DOUBLE", "the largest duration (ns, exact)"),
      c("max_overhead_ns", "DOUBLE", "the largest overhead (ns, exact)"),
      c("max_at_ts_ns", "DOUBLE", "when the largest sample started (ns)"),
      c("min_duration_ns", "DOUBLE", "the smallest duration (ns, exact)"),
      c(
        "offset_ns",
        "DOUBLE",
        "subtracted from a duration to get its overhead: the baseline for tick runs, 0 for switch runs (ns)",
      ),
      ...RUN_PERCENTILES.map(([name, p]) =>
        c(
          name,
          "DOUBLE",
          p === 50 ? "median overhead (ns, within the histogram's 0.4%)" : `${p}th percentile overhead (ns)`,
        ),
      ),
      c("tick_period_ns", "DOUBLE", "the kernel tick's period (ns; null when no tick was found)"),
      c("tick_cost_ns", "DOUBLE", "what one tick adds to the sample holding it (ns, overhead)"),
      c("tick_phase_ns", "DOUBLE", "where in its period the tick falls (ns; null when no tick was found)"),
      c("spike_threshold_ns", "DOUBLE", "the run's own spike threshold (ns, overhead)"),
      c(
        "spikes_above_ns",
        "DOUBLE",
        "spikes holds every sample whose overhead is above this (ns): the threshold, doubled while the list was full",
      ),
      c("hz", "INTEGER", "CONFIG_HZ as the fingerprint declares it (null when not given)"),
      c("hypervisor", "VARCHAR", "the hypervisor the fingerprint names (null on bare metal or unknown)"),
    ],
  },
  {
    name: "histogram",
    meaning: "the run's log histogram of durations: every non-empty bucket",
    columns: [
      RUN_ID,
      c("lo_ns", "DOUBLE", "the bucket's lowest duration (ns, inclusive)"),
      c("hi_ns", "DOUBLE", "the bucket's end (ns, exclusive)"),
      c("count", "BIGINT", "samples in the bucket"),
      c(
        "at_or_above",
        "BIGINT",
        "samples in this bucket or above it (at or above lo_ns): a count at or above a threshold is this column of the first bucket at or above it",
      ),
    ],
  },
  {
    name: "spikes",
    meaning: "every sample the summary kept as a spike (above the run's spike threshold), and the worst-K",
    columns: [
      RUN_ID,
      SAMPLE_START,
      SAMPLE_DURATION,
      c("overhead_ns", "DOUBLE", "the sample's overhead (ns)"),
    ],
  },
  {
    name: "seconds",
    meaning: "the largest duration of every second of the run",
    columns: [
      RUN_ID,
      c("second", "INTEGER", "second k covers [k, k+1) s of the run's timestamps"),
      c("max_ns", "DOUBLE", "the largest duration starting in that second (ns)"),
      c(
        "count",
        "BIGINT",
        "samples in that second: null, the summary does not count per second (lib/summary keeps maxima only)",
      ),
    ],
  },
  {
    name: "periods",
    meaning: "the periodic spike families found in the run (the hypervisor's once-a-second stall, …)",
    columns: [
      RUN_ID,
      c("period_ns", "DOUBLE", "the family's period (ns)"),
      c("phase_ns", "DOUBLE", "where in the period its spikes fall (ns)"),
      c("regularity", "DOUBLE", "share of the run's periods holding a spike (0–1)"),
      c("magnitude_ns", "DOUBLE", "median overhead of its spikes (ns)"),
    ],
  },
  {
    name: "tick_fold",
    meaning:
      "the tick pattern folded over one tick period: the stretch the tick was found in (up to 2^17 samples), each sample placed by its middle's phase",
    columns: [
      RUN_ID,
      c("phase_bin", "INTEGER", "the bin, 0 … bins-1, from the stretch's first sample"),
      c("phase_ns", "DOUBLE", "where the bin starts in the tick period (ns)"),
      c(
        "excess_ns",
        "DOUBLE",
        "the summed excess of the bin's samples (ns, overhead): each one's duration less the median of its 16 neighbours, above 0 and capped",
      ),
      c(
        "samples",
        "BIGINT",
        "samples whose middle falls in the bin (excess_ns / samples: their mean excess)",
      ),
    ],
  },
  {
    name: "samples",
    meaning: "raw samples, only on request: the window on the timeline's screen (“Query these samples”)",
    columns: [RUN_ID, SAMPLE_START, SAMPLE_DURATION],
  },
  {
    name: "load_errors",
    meaning: "runs whose rows are absent from the tables, and why (their timeline still opens)",
    columns: [RUN_ID, c("reason", "VARCHAR", "what was wrong: the file, the field and what was expected")],
  },
];

export function tableOf(name: TableName): CatalogueTable {
  const table = CATALOGUE.find((t) => t.name === name);
  if (!table) throw new Error(`no DuckDB table named ${name}`);
  return table;
}

/** `CREATE TABLE` for a catalogue table, with exactly its columns and types. */
export function createTableSql(name: TableName): string {
  const table = tableOf(name);
  return `CREATE TABLE IF NOT EXISTS ${table.name} (${table.columns.map((col) => `"${col.name}" ${col.type}`).join(", ")})`;
}
