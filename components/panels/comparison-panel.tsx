"use client";

import { memo, useMemo, useState } from "react";
import {
  cellText,
  ratioText,
  tableTitle,
  toCsv,
  toLatex,
  toMarkdown,
  type Comparison,
  type ValueKind,
} from "@/lib/analysis";
import { comparisonQuery, type ComparisonQueryOptions } from "@/lib/queries/comparison";
import { comparisonTable, type ComparisonCellRow } from "@/lib/queries/comparison-table";
import { STATISTICS, type Statistic } from "@/lib/url/view-state";
import type { RunEntry } from "@/lib/workspace/types";
import { Button } from "../ui/button";
import { Panel } from "../ui/panel";
import { Select } from "../ui/select";
import { runLabel } from "../workspace/run-label";
import { AttributionBars } from "./attribution-bars";
import { SqlButton } from "./sql-button";
import { useTablesQuery } from "./use-tables-query";
import { ValueKindSelect } from "./value-kind-select";

const FORMATS = [
  { name: "Markdown", render: toMarkdown },
  { name: "CSV", render: toCsv },
  { name: "LaTeX", render: toLatex },
] as const;

interface Props {
  runs: RunEntry[];
  statistic: Statistic;
  reference: string | null;
  paper: boolean;
  kind: ValueKind;
  /** The threshold for the count-above statistic, in `kind`; null for each run's own. */
  thresholdNs: number | null;
  onChange: (patch: { statistic?: Statistic; reference?: string | null; paper?: boolean }) => void;
  onKind: (kind: ValueKind) => void;
  /** Opens a run's timeline at its maximum. */
  onOpenRun: (run: RunEntry) => void;
  /** Opens the table's query in the SQL tab. */
  onOpenSql: (sql: string) => void;
}

/**
 * The study's kind of table: environments down, tests and scenarios across, the chosen statistic of
 * the chosen kind (duration or overhead) in each cell, ratios to a chosen row, the study's published
 * rows on request; copied as Markdown, CSV or LaTeX, each cell written as the screen writes it. The
 * cells come from DuckDB (lib/queries/comparison.ts over the `runs` and `histogram` tables), with each
 * cell's ratio to every row: a change of statistic (or kind, threshold, study's rows) asks DuckDB again,
 * a change of reference row only reads other ratios of the same answer.
 */
export function ComparisonPanel({
  runs,
  statistic,
  reference,
  paper,
  kind,
  thresholdNs,
  onChange,
  onKind,
  onOpenRun,
  onOpenSql,
}: Props) {
  const [exported, setExported] = useState<{ format: string; text: string } | null>(null);
  // The runs whose rows go into DuckDB's tables: those with a summary.
  const asked = useMemo(
    () =>
      runs
        .filter((run) => run.state === "ready" && run.digest?.comparable)
        .map((run) => ({ key: run.key, label: runLabel(run) })),
    [runs],
  );
  const options = useMemo(
    (): ComparisonQueryOptions => ({ statistic, kind, thresholdNs, paperRows: paper }),
    [statistic, kind, thresholdNs, paper],
  );
  const query = useMemo(() => (asked.length ? comparisonQuery(options) : null), [asked, options]);
  // The rows with what they answer: an answer kept on screen while the next is asked stays labelled as its own.
  const answer = useTablesQuery(query, asked, (rows) => ({
    rows: rows as unknown as ComparisonCellRow[],
    options,
  }));
  const answered =
    answer.state === "ready" ? answer.data : answer.state === "waiting" ? answer.previous : null;
  const table = useMemo(
    () => (answered ? comparisonTable(answered.rows, { ...answered.options, reference }) : null),
    [answered, reference],
  );
  const byKey = useMemo(() => new Map(runs.map((run) => [run.key, run])), [runs]);
  const loading = runs.some((run) => run.state === "loading");

  if (!asked.length)
    return (
      <Panel
        title="Comparison"
        testId="panel-comparison"
        state={loading ? "loading" : "empty"}
        empty="Open runs with an environment and a scenario to compare them as the study does."
      />
    );

  if (!table)
    return (
      <Panel
        title="Comparison"
        testId="panel-comparison"
        state={answer.state === "error" ? "error" : "loading"}
        error={answer.state === "error" ? answer.error : null}
        loadingText={answer.state === "waiting" ? answer.why : undefined}
        actions={<SqlButton query={query} onOpenSql={onOpenSql} />}
      />
    );

  const copy = async (format: (typeof FORMATS)[number]) => {
    const text = format.render(table);
    setExported({ format: format.name, text });
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // No clipboard permission: the text stays selectable below.
    }
  };

  return (
    <Panel
      title="Comparison"
      testId="panel-comparison"
      state={loading ? "loading" : answer.state === "error" ? "error" : "ready"}
      stale={answer.state === "waiting"}
      error={answer.state === "error" ? answer.error : null}
      loadingText="Waiting for every run's summary…"
      subtitle={
        <span data-testid="comparison-title">
          {tableTitle(table)}
          {table.statistic === "max"
            ? " (exact)"
            : table.statistic === "above"
              ? " (exact counts, each from the first histogram edge at or above the threshold)"
              : " (from the histogram, within 0.4 % of the part above the baseline)"}
        </span>
      }
      actions={
        <>
          <ValueKindSelect kind={kind} onKind={onKind} />
          <Select
            label="Statistic"
            value={statistic}
            onChange={(event) => onChange({ statistic: event.currentTarget.value as Statistic })}
          >
            {STATISTICS.map((s) => (
              <option key={s} value={s}>
                {s === "max" ? "maximum" : s === "above" ? "count at or above the threshold" : s}
              </option>
            ))}
          </Select>
          <Select
            label="Ratios to"
            className="max-w-56"
            value={reference ?? ""}
            onChange={(event) => onChange({ reference: event.currentTarget.value || null })}
          >
            <option value="">no reference</option>
            {table.rows.map((row) => (
              <option key={row.label} value={row.label}>
                {row.label}
              </option>
            ))}
          </Select>
          <label className="flex items-center gap-1 text-[12px] text-muted">
            <input
              type="checkbox"
              checked={paper}
              onChange={(event) => onChange({ paper: event.currentTarget.checked })}
            />
            Study&apos;s rows
          </label>
          <SqlButton query={query} onOpenSql={onOpenSql} />
          <div role="group" aria-label="Copy the table" className="flex gap-1">
            {FORMATS.map((format) => (
              <Button
                key={format.name}
                data-testid={`copy-${format.name.toLowerCase()}`}
                onClick={() => copy(format)}
              >
                Copy {format.name}
              </Button>
            ))}
          </div>
        </>
      }
    >
      <ComparisonGrid table={table} byKey={byKey} onOpenRun={onOpenRun} />
      {table.paperNote && (
        <p className="mt-2 text-[12px] text-muted" data-testid="paper-note">
          {table.paperNote}
        </p>
      )}
      <Attribution runs={runs} />
      {exported && (
        <div className="mt-3">
          <label className="text-[12px] text-muted" htmlFor="export-text">
            {exported.format} (copied to the clipboard)
          </label>
          <textarea
            id="export-text"
            data-testid="export-text"
            readOnly
            value={exported.text}
            rows={Math.min(12, exported.text.split("\n").length + 1)}
            className="num mt-1 w-full rounded-md border border-line bg-raised p-2 text-[11px] text-ink"
          />
        </div>
      )}
    </Panel>
  );
}

/** Re-rendered only when its table (or the runs) change: not while a new answer is awaited. */
const Attribution = memo(AttributionBars);

/** The table itself: re-rendered only when the table it shows changes. */
const ComparisonGrid = memo(function ComparisonGrid({
  table,
  byKey,
  onOpenRun,
}: {
  table: Comparison;
  byKey: Map<string, RunEntry>;
  onOpenRun: (run: RunEntry) => void;
}) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full border-collapse text-[12px]" data-testid="comparison-table">
        <caption className="sr-only">
          {tableTitle(table)} by environment (rows) and test and scenario (columns)
        </caption>
        <thead>
          <tr className="text-[11px] text-muted">
            <th scope="col" className="border-b border-line px-2 py-1.5 text-left font-medium">
              environment
            </th>
            {table.columns.map((column) => (
              <th
                key={column.key}
                scope="col"
                className="border-b border-line px-2 py-1.5 text-right font-medium"
              >
                {column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {table.rows.map((row) => (
            <tr
              key={row.label}
              className={`border-b border-line ${row.source === "paper" ? "text-muted italic" : ""}`}
            >
              <th scope="row" className="px-2 py-1.5 text-left font-medium">
                {row.label}
                {row.label === table.reference && (
                  <span className="ml-1.5 text-[10px] text-accent not-italic">reference</span>
                )}
              </th>
              {row.cells.map((value, i) => {
                const run = byKey.get(row.runIds[i][0] ?? "");
                const ratio = row.ratios[i];
                const text = cellText(table, value);
                const ratioShown = value === null ? null : ratioText(table, ratio);
                return (
                  <td key={i} className="num px-2 py-1 text-right" data-testid="comparison-cell">
                    {run && value !== null ? (
                      <button
                        type="button"
                        className="rounded px-1 hover:bg-accent-soft hover:text-accent"
                        title={`Open ${runLabel(run)} at its maximum`}
                        onClick={() => onOpenRun(run)}
                      >
                        {text}
                      </button>
                    ) : (
                      <span className="px-1">{text}</span>
                    )}
                    {ratioShown && (
                      <span className="ml-1 text-[11px] text-muted" data-testid="comparison-ratio">
                        {ratioShown}
                      </span>
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
});
