"use client";

import { useEffect } from "react";
import { startTables } from "@/lib/db/page-tables";
import { useTablesStatus, whenIdle } from "./workspace/use-duckdb-tables";

/** DuckDB-WASM's state and the tables it holds (names and rows), started while the page is idle. */
export function DuckdbStatus() {
  const status = useTablesStatus();
  // Pages without a workspace (the home page) start it here, also once idle.
  useEffect(() => whenIdle(() => void startTables().catch(() => undefined)), []);
  const state = status.state === "failed" ? "error" : status.state === "ready" ? "ready" : "loading";

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
      {state === "loading" && <span>Starting DuckDB-WASM…</span>}
      {state === "error" && (
        <span role="alert" className="text-danger">
          DuckDB-WASM failed to start: {status.error}
        </span>
      )}
      {state === "ready" && (
        <>
          <span>
            DuckDB{" "}
            <span data-testid="duckdb-version" className="num">
              {status.version}
            </span>
          </span>
          <span data-testid="duckdb-tables" aria-label="Tables loaded">
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
          <span>all data stays in this browser</span>
        </>
      )}
    </section>
  );
}
