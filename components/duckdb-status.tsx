"use client";

import { useEffect, useState } from "react";
import { getDatabase } from "@/lib/db/duckdb";
import { queryRows } from "@/lib/db/query";

type Status =
  { state: "loading" } | { state: "error"; message: string } | { state: "ready"; version: string };

const PROBE_SQL = "SELECT 42 * 1000 AS tick_ns, sum(range)::BIGINT AS total FROM range(1000)";

/** Starts DuckDB-WASM and runs one query: "ready" only once the engine has answered it right. */
export function DuckdbStatus() {
  const [status, setStatus] = useState<Status>({ state: "loading" });

  useEffect(() => {
    let live = true;
    (async () => {
      try {
        const database = await getDatabase();
        const [row] = await queryRows(database, PROBE_SQL);
        if (Number(row.tick_ns) !== 42000 || Number(row.total) !== 499500)
          throw new Error(`its first query answered ${row.tick_ns} / ${row.total}, not 42000 / 499500`);
        if (live) setStatus({ state: "ready", version: database.version });
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
      aria-label="In-browser engine"
      className="flex flex-wrap items-center gap-x-3 text-[11px] text-muted"
    >
      <span
        aria-hidden
        className={`inline-block h-1.5 w-1.5 rounded-full ${
          status.state === "ready" ? "bg-ok" : status.state === "error" ? "bg-danger" : "bg-warn"
        }`}
      />
      {status.state === "loading" && <span>Starting DuckDB-WASM…</span>}
      {status.state === "error" && (
        <span role="alert" className="text-danger">
          DuckDB-WASM failed to start: {status.message}
        </span>
      )}
      {status.state === "ready" && (
        <>
          <span>
            DuckDB-WASM{" "}
            <span data-testid="duckdb-version" className="num">
              {status.version}
            </span>{" "}
            ready
          </span>
          <span>
            files you open are read in this browser; Share uploads them to this server only when you ask
          </span>
        </>
      )}
    </section>
  );
}
