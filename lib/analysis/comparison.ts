/**
 * A comparison table like the study's: rows by environment, columns by test, scenario and thread
 * count, the chosen statistic in each cell (the maximum by default: overhead for tick runs, latency
 * for switch runs) and each cell's ratio to a reference row. The study's published tables can be
 * added as rows; they give only maxima, so their cells are empty for any other statistic.
 */
import type { RunFields } from "../format/manifest";
import type { RunSummary } from "../summary";
import { PAPER_TABLES, type PaperTable } from "./paper-hyperv-2013";
import { statisticOf, type Statistic } from "./statistic";

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
  columns: ComparisonColumn[];
  rows: ComparisonRow[];
  /** Label of the reference row, or null. */
  reference: string | null;
}

export interface ComparisonOptions {
  statistic?: Statistic;
  /** The reference row: an environment (or a row label such as "paper first comparison: bare-machine"). */
  reference?: string;
  /** Add the study's tables as rows: true for all, or the tables' names ("first comparison", …). */
  paperRows?: boolean | string[];
}

const ENVIRONMENT_ORDER = ["bare-machine", "enlightened", "emulated"];

function columnOf(test: string, scenario: string | null, threads: number | null): ComparisonColumn {
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

function paperValue(table: PaperTable, environment: string, column: ComparisonColumn): number | null {
  if (table.test !== column.test) return null;
  const row = table.rows[environment];
  if (row === undefined) return null;
  if (typeof row === "number") return row;
  return column.threads !== null ? (row[String(column.threads)] ?? null) : null;
}

export function buildComparison(runs: ComparedRun[], options: ComparisonOptions = {}): Comparison {
  const statistic = options.statistic ?? "max";
  const columns = new Map<string, ComparisonColumn>();
  const byRow = new Map<string, Map<string, { value: number; ids: string[] }>>();
  for (const run of runs) {
    const test = run.summary.test ?? run.test ?? "tick";
    const column = columnOf(test, run.fields.scenario ?? null, run.fields.threads ?? null);
    columns.set(column.key, column);
    const environment = run.fields.environment ?? "unknown";
    const row = byRow.get(environment) ?? new Map();
    byRow.set(environment, row);
    const value = statisticOf(run.summary, statistic);
    const held = row.get(column.key);
    if (!held) row.set(column.key, { value, ids: [run.id] });
    else {
      held.ids.push(run.id);
      if (value > held.value) held.value = value;
    }
  }
  // The study's switch tables have 2 and 1000 threads: show those columns even without runs.
  const paperTables =
    options.paperRows === true
      ? PAPER_TABLES
      : Array.isArray(options.paperRows)
        ? PAPER_TABLES.filter((t) => (options.paperRows as string[]).includes(t.name))
        : [];
  const orderedColumns = [...columns.values()].sort(
    (a, b) =>
      a.test.localeCompare(b.test) ||
      (a.scenario ?? "").localeCompare(b.scenario ?? "") ||
      (a.threads ?? 0) - (b.threads ?? 0),
  );
  if (paperTables.length && orderedColumns.length === 0) {
    orderedColumns.push(
      columnOf("tick", null, null),
      columnOf("switch", null, 2),
      columnOf("switch", null, 1000),
    );
  }
  const environments = [...byRow.keys()].sort((a, b) => {
    const ia = ENVIRONMENT_ORDER.indexOf(a);
    const ib = ENVIRONMENT_ORDER.indexOf(b);
    return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b);
  });
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
        cells: orderedColumns.map((c) =>
          statistic === "max"
            ? (tables.map((t) => paperValue(t, environment, c)).find((v) => v !== null) ?? null)
            : null,
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
      return v === null || ref === null || ref === undefined || ref === 0 ? null : v / ref;
    });
  }
  return { statistic, columns: orderedColumns, rows, reference: reference?.label ?? null };
}
