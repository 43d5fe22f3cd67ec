"use client";

import { useEffect, useState } from "react";
import { getDatabase } from "@/lib/db/duckdb";
import { queryRows } from "@/lib/db/query";

type Status =
  | { state: "loading" }
  | { state: "error"; message: string }
  | { state: "ready"; version: string; answer: string };

const PROBE_SQL = "SELECT 42 * 1000 AS tick_ns, sum(range)::BIGINT AS total FROM range(1000)";

/** Proves the in-browser engine works: starts DuckDB-WASM and runs one query. */
export function DuckdbStatus() {
  const [status, setStatus] = useState<Status>({ state: "loading" });

  useEffect(() => {
    let live = true;
    (async () => {
      try {
        const database = await getDatabase();
        const [row] = await queryRows(database, PROBE_SQL);
        if (live)
          setStatus({ state: "ready", version: database.version, answer: `${row.tick_ns} / ${row.total}` });
      } catch (error) {
        if (live)
          setStatus({ state: "error", message: error instanceof Error ? error.message : String(error) });
      }
    })();
    return () => {
      live = false;
    };
  }, []);

  return (
    <section
      data-testid="duckdb-status"
      data-state={status.state}
      aria-live="polite"
      className="rounded-lg border border-slate-200 p-4 text-sm dark:border-slate-800"
    >
      <h2 className="mb-2 font-semibold">In-browser engine</h2>
      {status.state === "loading" && <p className="text-slate-500">Starting DuckDB-WASM…</p>}
      {status.state === "error" && (
        <p role="alert" className="text-red-600 dark:text-red-400">
          DuckDB-WASM failed to start: {status.message}
        </p>
      )}
      {status.state === "ready" && (
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1">
          <dt className="text-slate-500">DuckDB</dt>
          <dd data-testid="duckdb-version" className="font-mono">
            {status.version}
          </dd>
          <dt className="text-slate-500">Probe query</dt>
          <dd data-testid="duckdb-answer" className="font-mono">
            {status.answer}
          </dd>
        </dl>
      )}
    </section>
  );
}
