/**
 * DuckDB's `samples` table, filled only on request ("Query these samples" in the timeline): the raw
 * samples of the window on screen, replacing the previous window's. Above the cap nothing is loaded:
 * the summary's tables stay the way to ask about whole runs.
 */
import { Float64, Table, makeData, makeVector, tableToIPC } from "apache-arrow";
import { createTableSql } from "./tables/catalogue";
import type { TableConnection } from "./tables/load";

/** The most raw samples "Query these samples" loads at once (issue #10: 5M rows by default). */
export const SAMPLES_CAP = 5_000_000;

const INCOMING = "samples_incoming";

/** The window as Arrow IPC stream bytes (ts_ns, duration_ns as float64), ending with its end-of-stream marker. */
export function samplesIpcStream(ts: Float64Array, duration: Float64Array): Uint8Array {
  const column = (data: Float64Array) =>
    makeVector(makeData({ type: new Float64(), length: data.length, data }));
  return tableToIPC(new Table({ ts_ns: column(ts), duration_ns: column(duration) }), "stream");
}

const quoted = (text: string) => `'${text.replaceAll("'", "''")}'`;

/**
 * Replaces the `samples` table's rows with one run's window. The table is made again rather than
 * emptied, so that the previous window's memory goes back to the engine.
 */
export async function replaceSamples(
  conn: TableConnection,
  runId: string,
  ts: Float64Array,
  duration: Float64Array,
): Promise<void> {
  await conn.query(`DROP TABLE IF EXISTS ${INCOMING}`);
  await conn.query("DROP TABLE IF EXISTS samples");
  await conn.query(createTableSql("samples"));
  if (ts.length === 0) return;
  // The bytes are transferred (detached) into the engine's heap.
  await conn.insertArrowFromIPCStream(samplesIpcStream(ts, duration), { name: INCOMING, create: true });
  try {
    await conn.query(
      `INSERT INTO samples SELECT ${quoted(runId)}, ts_ns, duration_ns FROM ${INCOMING} ORDER BY ts_ns`,
    );
  } finally {
    await conn.query(`DROP TABLE IF EXISTS ${INCOMING}`);
  }
}

/** The refusal, in words: the cap and the window's own count. */
export function samplesRefusal(count: number, cap: number): string {
  const n = (v: number) => v.toLocaleString("en-US");
  return `Not loaded: this window holds ${n(count)} samples, more than the ${n(cap)} that “Query these samples” loads. Zoom in to a shorter window, or query the summary's tables (runs, spikes, seconds, …), which cover whole runs.`;
}
