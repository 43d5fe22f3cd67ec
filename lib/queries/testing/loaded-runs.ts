/** Generated runs (known truth) summarised and loaded into DuckDB under Node, with their raw durations kept for brute force. */
import { syntheticSampleBatches, type SyntheticTraceOptions } from "../../format/testing/synthetic-trace";
import type { RunFields } from "../../format/manifest";
import { summarizeRun, type RunSummary } from "../../summary";
import { openNodeDuckdb, type NodeDuckdb } from "../../db/node-duckdb";
import { createTables, loadRun } from "../../db/tables/load";

export interface LoadedRun {
  id: string;
  fields: RunFields;
  test: "tick" | "switch";
  summary: RunSummary;
  ts: Float64Array;
  durations: Float64Array;
}

export interface RunSpec {
  id: string;
  fields: RunFields;
  trace: SyntheticTraceOptions;
}

export async function loadedRuns(specs: RunSpec[]): Promise<{ duck: NodeDuckdb; runs: LoadedRun[] }> {
  const duck = await openNodeDuckdb();
  await createTables(duck.conn);
  const runs: LoadedRun[] = [];
  for (const spec of specs) {
    const { batches } = syntheticSampleBatches(spec.trace);
    const test = spec.trace.test ?? "tick";
    const summary = await summarizeRun(batches, { test });
    runs.push({
      id: spec.id,
      fields: spec.fields,
      test,
      summary,
      ts: Float64Array.from(batches.flatMap((b) => Array.from(b.ts))),
      durations: Float64Array.from(batches.flatMap((b) => Array.from(b.duration))),
    });
    await loadRun(
      duck.conn,
      { runId: spec.id, bundle: "b", label: spec.id, fields: spec.fields, hz: null },
      summary,
    );
  }
  return { duck, runs };
}

export function queryRows(duck: NodeDuckdb, query: { sql: string; params: unknown[] }) {
  return duck.conn
    .prepare(query.sql)
    .query(...query.params)
    .toArray()
    .map((row) => row.toJSON());
}
