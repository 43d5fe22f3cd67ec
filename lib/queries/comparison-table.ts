/**
 * The Comparison table (lib/analysis's `Comparison`, which the screen and the Markdown, CSV and LaTeX
 * copies write out) laid out from `comparisonQuery`'s rows: the cells, ratios and runs come from
 * DuckDB; this only places them in rows and columns, in the order lib/analysis gives its own tables,
 * and reads each cell's ratio to the chosen reference row out of the ratios DuckDB gave to every row.
 */
import {
  byColumn,
  byEnvironment,
  columnOf,
  paperNoteFor,
  type Comparison,
  type ComparisonColumn,
  type ComparisonRow,
} from "../analysis/comparison";
import { PAPER_TABLES } from "../analysis/paper-hyperv-2013";
import type { ComparisonQueryOptions } from "./comparison";

/** How the table is laid out: what was asked of DuckDB, and the row the ratios are to. */
export interface ComparisonTableOptions extends ComparisonQueryOptions {
  /** The reference row: an environment, or a study row's label ("paper first comparison: bare-machine"). */
  reference: string | null;
}

/** One row of `comparisonQuery`'s answer, as DuckDB returns it. */
export interface ComparisonCellRow {
  row_label: string;
  source: "runs" | "paper";
  environment: string;
  test: string;
  scenario: string | null;
  threads: number | null;
  value_ns: number | null;
  /**
   * The cell's ratio to each row's cell in the same column, by row label (a MAP: DuckDB-WASM gives an
   * Arrow MapRow, iterable as [label, ratio] pairs; a JS Map also does).
   */
  ratios: Iterable<[string, number | null]> | null;
  /** A list: DuckDB-WASM gives an Arrow vector, plain arrays also do. */
  run_ids: Iterable<string> | null;
}

const listOf = (ids: Iterable<string> | null): string[] =>
  ids === null ? [] : Array.from(ids as Iterable<string>, String);

/** The cell's ratio to the reference row's cell: null without a reference, or without a ratio to it. */
function ratioTo(cell: ComparisonCellRow, reference: string | null): number | null {
  if (reference === null || cell.value_ns === null || cell.ratios === null) return null;
  for (const [label, ratio] of cell.ratios) if (label === reference) return ratio ?? null;
  return null;
}

export function comparisonTable(rows: ComparisonCellRow[], options: ComparisonTableOptions): Comparison {
  const columns = new Map<string, ComparisonColumn>();
  const cells = new Map<string, Map<string, ComparisonCellRow>>();
  for (const row of rows) {
    const column = columnOf(row.test, row.scenario, row.threads === null ? null : Number(row.threads));
    columns.set(column.key, column);
    const byColumnKey = cells.get(row.row_label) ?? new Map<string, ComparisonCellRow>();
    cells.set(row.row_label, byColumnKey);
    byColumnKey.set(column.key, row);
  }
  const asked =
    options.paperRows === true
      ? PAPER_TABLES
      : Array.isArray(options.paperRows)
        ? PAPER_TABLES.filter((t) => (options.paperRows as string[]).includes(t.name))
        : [];
  // The study publishes maxima only; its own columns (no scenario; switch at 2 and 1000 threads) are
  // shown for the tests the runs have, as lib/analysis shows them.
  const paperTables = options.statistic === "max" ? asked : [];
  const testsShown = new Set([...columns.values()].map((c) => c.test));
  for (const table of paperTables) {
    if (testsShown.size && !testsShown.has(table.test)) continue;
    for (const threads of table.test === "switch" ? [2, 1000] : [null]) {
      const column = columnOf(table.test, null, threads);
      columns.set(column.key, column);
    }
  }
  const ordered = [...columns.values()].sort(byColumn);
  const environments = [...new Set(rows.filter((r) => r.source === "runs").map((r) => r.environment))].sort(
    byEnvironment,
  );
  const shown: Pick<ComparisonRow, "label" | "environment" | "source">[] = environments.map(
    (environment) => ({
      label: environment,
      environment,
      source: "runs",
    }),
  );
  for (const name of new Set(paperTables.map((t) => t.name))) {
    const tables = paperTables.filter((t) => t.name === name);
    for (const environment of new Set(tables.flatMap((t) => Object.keys(t.rows))))
      shown.push({ label: `paper ${name}: ${environment}`, environment, source: "paper" });
  }
  // A reference that is not one of the table's rows is no reference.
  const reference = shown.find((r) => r.label === options.reference)?.label ?? null;
  const tableRows = shown.map(({ label, environment, source }): ComparisonRow => {
    const held = cells.get(label);
    const at = ordered.map((c) => held?.get(c.key));
    return {
      label,
      environment,
      source,
      cells: at.map((cell) => cell?.value_ns ?? null),
      ratios: at.map((cell) => (cell ? ratioTo(cell, reference) : null)),
      runIds: at.map((cell) => listOf(cell?.run_ids ?? null)),
    };
  });
  return {
    statistic: options.statistic,
    kind: options.kind,
    thresholdNs: options.thresholdNs ?? null,
    paperNote: asked.length ? paperNoteFor(options.statistic, options.kind) : null,
    columns: ordered,
    rows: tableRows,
    reference,
  };
}
