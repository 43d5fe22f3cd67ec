"use client";

import { RecordBatchReader, RecordBatchStreamWriter } from "apache-arrow";
import { useEffect, useState } from "react";
import { getDatabase } from "@/lib/db/duckdb";
import { runQuery } from "@/lib/db/query";
import { rawM4, rawStatistics } from "@/lib/queries/raw-samples";

declare global {
  interface Window {
    naiveBench?: {
      open(file: File): Promise<{ overviewMs: number; statsMs: number; rows: number; endNs: number }>;
      zoom(t0: number, t1: number, columns: number): Promise<number>;
    };
  }
}

/**
 * The naive way, for `npm run bench:ui` to measure beside the dashboard: every raw sample inserted into
 * DuckDB-WASM (1M-row IPC chunks, the fastest insert measured), then one M4 query per zoom.
 */
export function NaiveBench() {
  const [state, setState] = useState("loading");
  useEffect(() => {
    window.naiveBench = {
      async open(file) {
        const start = performance.now();
        const database = await getDatabase();
        await database.conn.query("DROP TABLE IF EXISTS raw");
        const reader = await RecordBatchReader.from(file.stream());
        let rows = 0;
        let first = true;
        for await (const batch of reader) {
          const bytes = RecordBatchStreamWriter.writeAll([batch]).toUint8Array(true);
          // IPC bytes, never Table objects: duckdb-wasm carries its own apache-arrow (duckdb-wasm #2097).
          await database.conn.insertArrowFromIPCStream(bytes, { name: "raw", create: first });
          first = false;
          rows += batch.numRows;
        }
        const [span] = await runQuery(database, rawStatistics("raw", []));
        await runQuery(database, rawM4("raw", Number(span.start_ns), Number(span.end_ns) + 1, 1000));
        const overviewMs = performance.now() - start;
        await runQuery(database, rawStatistics("raw", [50, 90, 99, 99.9, 99.99, 99.999]));
        return { overviewMs, statsMs: performance.now() - start, rows, endNs: Number(span.end_ns) + 1 };
      },
      async zoom(t0, t1, columns) {
        const start = performance.now();
        await runQuery(await getDatabase(), rawM4("raw", t0, t1, columns));
        return performance.now() - start;
      },
    };
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setState("ready");
  }, []);
  return (
    <main className="p-6" data-testid="naive-bench" data-state={state}>
      <h1 className="font-semibold">Naive way (benchmark page)</h1>
      <p className="text-muted">
        Every raw sample in DuckDB-WASM, one query per zoom. Driven by bench/suites/ui.bench.ts.
      </p>
      <input type="file" data-testid="naive-file" aria-label="Run file" />
    </main>
  );
}
