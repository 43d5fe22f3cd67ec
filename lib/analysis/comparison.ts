/**
 * A comparison table like the study's: rows by environment, columns by test, scenario and thread
 * count, the chosen statistic of the chosen kind (duration or overhead: value-kind.ts) in each cell,
 * and each cell's ratio to a reference row. The study's published tables can be added as rows where
 * the study has the value: maxima only; tick maxima are overheads; switch maxima are latencies (the
 * same as duration or overhead). Its tables do not say which scenario they were measured in, so its
 * values sit in their own "any scenario" columns, never repeated under each of the runs' scenarios.
 */
import type { RunFields } from "../format/manifest";
import type { RunSummary } from "../summary";
import { PAPER_TABLES, type PaperTable } from "./paper-hyperv-2013";
import { statisticOf, type Statistic } from "./statistic";
import type { ValueKind } from "./value-kind";

export interface ComparedRun {
  id: string;
  test?: string;
  fields: RunFields;
  summary: RunSummary;
}

export interface ComparisonColumn {
  key: string;
  test: string;
  scenario: string | null;
  threads: number | null;
  label: string;
}

export interface ComparisonRow {
  label: string;
  environment: string;
  source: "runs" | "paper";
  /** The statistic per column (ns), null where no run fills the cell. */
  cells: (number | null)[];
  /** cell / the reference row's cell in the same column. */
  ratios: (number | null)[];
  /** The runs behind each cell (several runs in one cell: the largest value is shown). */
  runIds: string[][];
}

export interface Comparison {
  statistic: Statistic;
  kind: ValueKind;
  /** For the `above` statistic: the threshold (chosen kind), or null for each run's own. */
  thresholdNs: number | null;
  /** When the study's rows were asked for: what of the study is shown, and why the rest is not. */
  paperNote: string | null;
  columns: ComparisonColumn[];
  rows: ComparisonRow[];
  /** Label of the reference row, or null. */
  reference: string | null;
}

export interface ComparisonOptions {
  statistic?: Statistic;
  /** Overhead by default, as the study's tables. */
  kind?: ValueKind;
  /** For the `above` statistic: the threshold in the chosen kind; null or absent for each run's own. */
  thresholdNs?: number | null;
  /** The reference row: an environment (or a row label such as "paper first comparison: bare-machine"). */
  reference?: string;
  /** Add the study's tables as rows: true for all, or the tables' names ("first comparison", …). */
  paperRows?: boolean | string[];
}

const ENVIRONMENT_ORDER = ["bare-machine", "enlightened", "emulated"];

/** A column: test · scenario (the study's: "any scenario") · threads (switch runs only). */
export function columnOf(test: string, scenario: string | null, threads: number | null): ComparisonColumn {
  const parts = [test, scenario ?? "any scenario"];
  if (test === "switch" && threads !== null) parts.push(`${threads} threads`);
  return {
    key: JSON.stringify([test, scenario, test === "switch" ? threads : null]),
    test,
    scenario,
    threads: test === "switch" ? threads : null,
    label: parts.join(" · "),
  };
}

/** The study's value for a cell: only in its own (scenario-less) columns, only where it has the value. */
function paperValue(
  table: PaperTable,
  environment: string,
  column: ComparisonColumn,
  statistic: Statistic,
  kind: ValueKind,
): number | null {
  if (table.test !== column.test || column.scenario !== null || statistic !== "max") return null;
  if (table.metric === "max_tick_overhead_ns" && kind !== "overhead") return null;
  const row = table.rows[environment];
  if (row === undefined) return null;
  if (typeof row === "number") return row;
  return column.threads !== null ? (row[String(column.threads)] ?? null) : null;
}

/** The columns' order: by test, then scenario (the study's "any scenario" first), then threads. */
export function byColumn(a: ComparisonColumn, b: ComparisonColumn): number {
  return (
    a.test.localeCompare(b.test) ||
    (a.scenario ?? "").localeCompare(b.scenario ?? "") ||
    (a.threads ?? 0) - (b.threads ?? 0)
  );
}

/** The runs' rows' order: the study's environments first, as it lists them, then the rest by name. */
export function byEnvironment(a: string, b: string): number {
  const ia = ENVIRONMENT_ORDER.indexOf(a);
  const ib = ENVIRONMENT_ORDER.indexOf(b);
  return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b);
}

export function buildComparison(runs: ComparedRun[], options: ComparisonOptions = {}): Comparison {
  const statistic = options.statistic ?? "max";
  const kind = options.kind ?? "overhead";
  const thresholdNs = options.thresholdNs ?? null;
  const columns = new Map<string, ComparisonColumn>();
  const byRow = new Map<string, Map<string, { value: number; ids: string[] }>>();
  for (const run of runs) {
    const test = run.summary.test ?? run.test ?? "tick";
    const column = columnOf(test, run.fields.scenario ?? null, run.fields.threads ?? null);
    columns.set(column.key, column);
    const environment = run.fields.environment ?? "unknown";
    const row = byRow.get(environment) ?? new Map();
    byRow.set(environment, row);
    const value = statisticOf(run.summary, statistic, { kind, thresholdNs });
    const held = row.get(column.key);
    if (!held) row.set(column.key, { value, ids: [run.id] });
    else {
      held.ids.push(run.id);
      if (value > held.value) held.value = value;
    }
  }
  const askedTables =
    options.paperRows === true
      ? PAPER_TABLES
      : Array.isArray(options.paperRows)
        ? PAPER_TABLES.filter((t) => (options.paperRows as string[]).includes(t.name))
        : [];
  // The study publishes maxima only: for any other statistic it has no row to show.
  const paperTables = statistic === "max" ? askedTables : [];
  const testsShown = new Set([...columns.values()].map((c) => c.test));
  // The study's own columns (no scenario; switch at 2 and 1000 threads) for the tests the runs have.
  for (const table of paperTables) {
    if (testsShown.size && !testsShown.has(table.test)) continue;
    const threads = table.test === "switch" ? [2, 1000] : [null];
    for (const n of threads) {
      const column = columnOf(table.test, null, n);
      columns.set(column.key, column);
    }
  }
  const orderedColumns = [...columns.values()].sort(byColumn);
  const environments = [...byRow.keys()].sort(byEnvironment);
  const rows: ComparisonRow[] = environments.map((environment) => {
    const row = byRow.get(environment)!;
    return {
      label: environment,
      environment,
      source: "runs",
      cells: orderedColumns.map((c) => row.get(c.key)?.value ?? null),
      ratios: [],
      runIds: orderedColumns.map((c) => row.get(c.key)?.ids ?? []),
    };
  });
  const paperNames = [...new Set(paperTables.map((t) => t.name))];
  for (const name of paperNames) {
    const tables = paperTables.filter((t) => t.name === name);
    const envs = [...new Set(tables.flatMap((t) => Object.keys(t.rows)))];
    for (const environment of envs) {
      rows.push({
        label: `paper ${name}: ${environment}`,
        environment,
        source: "paper",
        cells: orderedColumns.map(
          (c) =>
            tables.map((t) => paperValue(t, environment, c, statistic, kind)).find((v) => v !== null) ?? null,
        ),
        ratios: [],
        runIds: orderedColumns.map(() => []),
      });
    }
  }
  const reference =
    options.reference === undefined
      ? null
      : (rows.find((r) => r.label === options.reference) ??
        rows.find((r) => r.source === "runs" && r.environment === options.reference) ??
        null);
  for (const row of rows) {
    row.ratios = row.cells.map((v, i) => {
      const ref = reference?.cells[i];
      // A ratio of values at or under zero (an overhead below the baseline) means nothing.
      return v === null || ref === null || ref === undefined || !(ref > 0) || v < 0 ? null : v / ref;
    });
  }
  return {
    statistic,
    kind,
    thresholdNs,
    paperNote: askedTables.length ? paperNoteFor(statistic, kind) : null,
    columns: orderedColumns,
    rows,
    reference: reference?.label ?? null,
  };
}

/** What of the study a table shows, and why the rest is not. */
export function paperNoteFor(statistic: Statistic, kind: ValueKind): string {
  if (statistic !== "max")
    return "The study publishes maxima only: its rows are shown when the statistic is the maximum.";
  const scenario =
    "The study does not say which scenario each table was measured in: its values have their own “any scenario” columns.";
  if (kind !== "overhead")
    return `The study's tick maxima are overheads: they are shown when overhead is chosen; its switch maxima are latencies. ${scenario}`;
  return `The study's maxima: tick overhead and switch latency. ${scenario}`;
}
