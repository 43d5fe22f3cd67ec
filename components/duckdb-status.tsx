"use client";

import { formatDuration } from "@/lib/analysis/units";
import { engineStart } from "@/lib/db/duckdb";
import { SQL_ENGINE_FAILED } from "@/lib/db/page-tables";
import { useTablesStatus } from "./workspace/use-duckdb-tables";

/** DuckDB-WASM's state and the tables it holds (names and rows); the dashboard starts it (useDuckdbTables). */
export function DuckdbStatus() {
  const status = useTablesStatus();
  const state = status.state === "failed" ? "error" : status.state === "ready" ? "ready" : "loading";
  // Set before the tables turn ready, so read as this render happens.
  const start = state === "ready" ? engineStart() : null;

  return (
    <section
      data-testid="duckdb-status"
      data-state={state}
      aria-live="polite"
      aria-label="In-browser engine"
      className="flex flex-wrap items-center gap-x-3 text-[11px] text-muted"
    >
      <span
        aria-hidden
        className={`inline-block h-1.5 w-1.5 rounded-full ${
          state === "ready" ? "bg-ok" : state === "error" ? "bg-danger" : "bg-warn"
        }`}
      />
      {state === "loading" && (
        <span>
          {status.state === "idle" ? "DuckDB-WASM starts once the page is idle" : "Starting DuckDB-WASM…"}
        </span>
      )}
      {state === "error" && (
        <span role="alert" data-testid="duckdb-start-error" className="text-danger">
          {SQL_ENGINE_FAILED}: {status.error}. The timeline and the other views work without it.
        </span>
      )}
      {state === "ready" && (
        <>
          <span>
            DuckDB-WASM{" "}
            <span data-testid="duckdb-version" className="num">
              {status.version}
            </span>{" "}
            ready
            {start && (
              <span
                data-testid="duckdb-engine"
                data-engine={start.kept ? "kept" : "started"}
                title="start-up duration on this page"
              >
                {" "}
                in <span className="num">{formatDuration(start.startMs * 1e6)}</span> (
                {start.kept ? "kept from this tab's last page" : "started for this page"})
              </span>
            )}
          </span>
          <span data-testid="duckdb-tables" aria-label="Tables loaded">
            tables (rows):{" "}
            {status.tables.map((table, i) => (
              <span key={table.name} data-table={table.name} data-rows={table.rows}>
                {i > 0 && " · "}
                {table.name} <span className="num">{table.rows.toLocaleString("en-US")}</span>
              </span>
            ))}
          </span>
          {status.failures.length > 0 && (
            <span role="alert" data-testid="duckdb-load-failures" className="text-danger">
              {status.failures.map((f) => `${f.runId}: ${f.message}`).join("; ")}
            </span>
          )}
          <span>
            files you open are read in this browser; Share uploads them to this server only when you ask
          </span>
        </>
      )}
    </section>
  );
}
