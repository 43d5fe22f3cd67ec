"use client";

import type { AsyncDuckDBConnection } from "@duckdb/duckdb-wasm";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { flushSync } from "react-dom";
import { SQL_ENGINE_FAILED, startTables } from "@/lib/db/page-tables";
import type { EngineQueries } from "@/lib/db/engine-query";
import { queryRows } from "@/lib/db/query";
import { changesSchema, refusedStatement } from "@/lib/db/statement-guard";
import { SQL_LINK_MAX } from "@/lib/url/view-state";
import { EChart } from "../charts/echart";
import { formatInstant } from "../charts/units";
import { sqlResultOption } from "../charts/options/sql-result";
import { Button } from "../ui/button";
import { download } from "../ui/download";
import { Panel } from "../ui/panel";
import { useTablesStatus } from "../workspace/use-duckdb-tables";
import { useRuns } from "../workspace/workspace-context";
import { CATALOGUE_SQL, groupCatalogue, type CatalogueTable } from "./catalogue";
import { CatalogueList } from "./catalogue-list";
import { chartInput, pickChart } from "./chart-pick";
import { parseDuckdbError, type ErrorPosition } from "./error-position";
import { resultCsv } from "./result-csv";
import { ResultTable } from "./result-table";
import { RunTableNotes, runTableNotes } from "./run-table-notes";
import { QuerySlot } from "./query-slot";
import { ROW_CAP, RUNNING_SHOWN_AFTER_MS, runSql } from "./run-sql";
import { SqlEditor, type SqlEditorHandle } from "./sql-editor";
import type { ResultSet } from "./result-set";

export const EXAMPLE_SQL =
  "SELECT environment, max(max_overhead_ns) AS worst_overhead_ns\nFROM runs\nGROUP BY 1\nORDER BY 2 DESC";

type RunState =
  | { state: "idle" }
  /** `shown`: the last answer, kept on screen (dimmed) until this one replaces it. */
  | { state: "running"; cancelling: boolean; shown: Answer | null }
  | ({ state: "done" } & Answer)
  | { state: "cancelled"; ms: number }
  | { state: "error"; message: string; position: ErrorPosition | null; ms: number };

interface Answer {
  result: ResultSet;
  ms: number;
  sql: string;
}

interface Props {
  /** The query in the view (and so in the share link); null for none. */
  sql: string | null;
  onSql: (sql: string | null) => void;
}

const LOCKDOWN_HINT =
  "Queries here read only the tables tickscope loaded: files, the network and extensions are switched off.";

/**
 * The SQL workbench: an editor, the catalogue of tables beside it, and the answer as a virtualised table,
 * a chart when it has one, and CSV. The user's SQL runs on a connection of its own, only when they ask
 * (Run, or Ctrl/Cmd-Enter); a query that came in a link waits for that click.
 */
export function WorkbenchPanel({ sql, onSql }: Props) {
  const status = useTablesStatus();
  const runs = useRuns();
  const notes = useMemo(() => runTableNotes(runs, status.failures), [runs, status.failures]);
  // The catalogue is read again as runs' rows come and go.
  const tablesKey = status.tables.map((t) => `${t.name}:${t.rows}`).join(",");
  const [text, setText] = useState(sql ?? EXAMPLE_SQL);
  const [opened, setOpened] = useState<{ conn: AsyncDuckDBConnection; engine: EngineQueries | null } | null>(
    null,
  );
  const conn = opened?.conn ?? null;
  const slot = useMemo(
    () => (opened ? new QuerySlot((asked) => runSql(opened.conn, asked, opened.engine)) : null),
    [opened],
  );
  const [startError, setStartError] = useState<string | null>(null);
  const [tables, setTables] = useState<CatalogueTable[] | null>(null);
  const [run, setRun] = useState<RunState>({ state: "idle" });
  const [catalogueKey, setCatalogueKey] = useState(0);
  /** Answers shown so far: `data-answer` on the status, so that an answer replacing one alike is seen. */
  const [answers, setAnswers] = useState(0);
  const editor = useRef<SqlEditorHandle>(null);
  const runningTimer = useRef<number | null>(null);

  // A query arriving from outside (the link, read after hydration; a view's "SQL" button) replaces the text.
  // eslint-disable-next-line react-hooks/set-state-in-effect
  useEffect(() => void (sql !== null && setText(sql)), [sql]);

  useEffect(() => {
    let live = true;
    let own: AsyncDuckDBConnection | null = null;
    startTables()
      .then(async (database) => {
        own = await database.db.connect();
        if (live) setOpened({ conn: own, engine: database.engine });
        else await own.close();
      })
      .catch(
        (error: unknown) => live && setStartError(error instanceof Error ? error.message : String(error)),
      );
    return () => {
      live = false;
      void own?.close();
    };
  }, []);

  useEffect(() => {
    let live = true;
    startTables()
      .then((database) => queryRows(database, CATALOGUE_SQL))
      .then((rows) => live && setTables(groupCatalogue(rows)))
      .catch(() => live && setTables([]));
    return () => {
      live = false;
    };
  }, [tablesKey, catalogueKey]);

  const schema = useMemo(
    () => Object.fromEntries((tables ?? []).map((t) => [t.name, t.columns.map((c) => c.name)])),
    [tables],
  );

  const onChange = useCallback(
    (next: string) => {
      setText(next);
      onSql(next.trim() === "" || next.length > SQL_LINK_MAX ? null : next);
    },
    [onSql],
  );

  // A new query while one runs replaces it: the old one is cancelled and its answer never shown.
  const start = useCallback(() => {
    if (!slot || text.trim() === "") return;
    const asked = text;
    // Usually in the link already (each edit puts it there): only then is the dashboard left alone.
    const linked = asked.length > SQL_LINK_MAX ? null : asked;
    if (linked !== sql) onSql(linked);
    const showRunning = () =>
      setRun((last) =>
        last.state === "running"
          ? last
          : { state: "running", cancelling: false, shown: last.state === "done" ? last : null },
      );
    if (runningTimer.current !== null) window.clearTimeout(runningTimer.current);
    runningTimer.current = null;
    const refused = refusedStatement(asked);
    if (refused) {
      void slot.replace();
      setAnswers((n) => n + 1);
      return setRun({ state: "error", message: refused, position: null, ms: 0 });
    }
    void slot
      .run(asked, () => {
        if (runningTimer.current !== null) window.clearTimeout(runningTimer.current);
        runningTimer.current = window.setTimeout(showRunning, RUNNING_SHOWN_AFTER_MS);
      })
      .then((outcome) => {
        if (!outcome) return;
        if (runningTimer.current !== null) window.clearTimeout(runningTimer.current);
        runningTimer.current = null;
        // Drawn in the task that brought the answer (the table, and the chart's option in its effect),
        // not in a task of React's scheduler queued behind whatever else the page has to do.
        flushSync(() => {
          setAnswers((n) => n + 1);
          if (outcome.state === "done")
            setRun({ state: "done", result: outcome.result, ms: outcome.ms, sql: asked });
          else if (outcome.state === "cancelled") setRun({ state: "cancelled", ms: outcome.ms });
          else setRun({ state: "error", ms: outcome.ms, ...parseDuckdbError(outcome.message, asked) });
        });
        // Reading the catalogue is a query of its own: only after SQL that may have changed it.
        if (changesSchema(asked)) setCatalogueKey((k) => k + 1);
      });
  }, [slot, text, sql, onSql]);

  useEffect(
    () => () => void (runningTimer.current !== null && window.clearTimeout(runningTimer.current)),
    [],
  );

  const insert = useCallback((name: string) => editor.current?.insert(name), []);

  const cancel = useCallback(() => {
    if (run.state !== "running" || !slot) return;
    setRun({ ...run, cancelling: true });
    void slot.cancel();
  }, [run, slot]);

  // The answer on screen: this run's, or while a query runs the last one's (so that the table and the
  // chart stay mounted and are updated in place rather than built again).
  const shown = run.state === "done" ? run : run.state === "running" ? run.shown : null;
  const result = shown?.result ?? null;
  // One row is a table's answer, not a chart's.
  const pick = result && result.shown > 1 ? pickChart(result.columns) : null;
  const option = useMemo(
    () => (result && pick ? sqlResultOption(chartInput(result, pick)) : null),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [result],
  );

  return (
    <Panel
      title="SQL"
      testId="workbench-panel"
      state={startError ? "error" : "ready"}
      error={startError ? `${SQL_ENGINE_FAILED}: ${startError}` : null}
      subtitle="DuckDB over the open runs' tables"
    >
      <div className="grid gap-3 lg:grid-cols-[minmax(0,1fr)_16rem]">
        <div className="min-w-0 space-y-2">
          <SqlEditor ref={editor} value={text} onChange={onChange} onRun={start} schema={schema} />
          <div className="flex flex-wrap items-center gap-2 text-[12px]">
            <Button
              variant="primary"
              data-testid="sql-run"
              onClick={start}
              disabled={!conn || text.trim() === ""}
              title={
                run.state === "running"
                  ? "Run this query instead of the one running (Ctrl/Cmd-Enter)"
                  : "Run (Ctrl/Cmd-Enter)"
              }
            >
              {conn ? "Run" : "Starting DuckDB…"}
            </Button>
            {run.state === "running" && (
              <Button data-testid="sql-cancel" onClick={cancel} disabled={run.cancelling}>
                {run.cancelling ? "Cancelling…" : "Cancel"}
              </Button>
            )}
            {run.state === "done" && (
              <Button
                data-testid="sql-csv"
                onClick={() => download("query.csv", resultCsv(run.result), "text/csv")}
              >
                CSV
              </Button>
            )}
            <span
              data-testid="sql-status"
              data-state={run.state}
              data-answer={answers}
              aria-live="polite"
              className="text-muted"
            >
              {run.state === "idle" && "Not run yet: press Run or Ctrl/Cmd-Enter."}
              {run.state === "running" && "Running…"}
              {run.state === "cancelled" && `Cancelled after ${run.ms} ms.`}
              {run.state === "error" && `Failed after ${run.ms} ms.`}
              {run.state === "done" && (
                <span data-testid="sql-count">
                  {run.result.shown < run.result.total
                    ? `Showing the first ${run.result.shown.toLocaleString("en-US")} of ${run.result.total.toLocaleString("en-US")} rows`
                    : `${run.result.total.toLocaleString("en-US")} ${run.result.total === 1 ? "row" : "rows"}`}{" "}
                  in {run.ms} ms
                </span>
              )}
            </span>
          </div>
          {status.samples && (
            <p data-testid="sql-samples-window" className="text-[12px] text-muted">
              <code className="font-mono">samples</code> holds{" "}
              <span className="num">{status.samples.rows.toLocaleString("en-US")}</span> raw samples of{" "}
              {status.samples.label}, from{" "}
              <span className="num">
                {formatInstant(status.samples.t0, (status.samples.t1 - status.samples.t0) / 1000)}
              </span>{" "}
              to{" "}
              <span className="num">
                {formatInstant(status.samples.t1, (status.samples.t1 - status.samples.t0) / 1000)}
              </span>{" "}
              (“Query these samples” in the timeline loads another window in their place).
            </p>
          )}
          <RunTableNotes notes={notes} />
          {run.state === "error" && (
            <div
              role="alert"
              data-testid="sql-error"
              className="rounded-md border border-danger/40 bg-danger-soft p-3 text-danger"
            >
              <pre className="font-mono text-[12px] whitespace-pre-wrap">{run.message}</pre>
              {run.position && (
                <button
                  type="button"
                  data-testid="sql-error-position"
                  className="mt-1 text-[12px] underline"
                  onClick={() => editor.current?.focusAt(run.position!.offset)}
                >
                  line {run.position.line}, column {run.position.column}
                </button>
              )}
              {/^Permission Error|external access|disabled by configuration|lock_configuration|is refused/i.test(
                run.message,
              ) && <p className="mt-1 text-[12px]">{LOCKDOWN_HINT}</p>}
            </div>
          )}
          <div
            className={run.state === "running" ? "opacity-60" : undefined}
            aria-busy={run.state === "running"}
          >
            {result && option && (
              <EChart
                option={option}
                notMerge
                label={`Chart of the query's ${pick!.ys.length === 1 ? "column" : "columns"} over ${result.columns[pick!.x].name}`}
                testId="sql-chart"
                className="h-64 w-full"
              />
            )}
            {result && result.columns.length > 0 && <ResultTable result={result} />}
          </div>
          <p className="text-[11px] text-faint">
            At most {ROW_CAP.toLocaleString("en-US")} rows are kept for the table, chart and CSV; the count is
            always the query&apos;s own. {LOCKDOWN_HINT}
          </p>
        </div>
        <CatalogueList tables={tables} onInsert={insert} />
      </div>
    </Panel>
  );
}
