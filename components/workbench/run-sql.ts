import type { AsyncDuckDBConnection } from "@duckdb/duckdb-wasm";
import { RecordBatchReader } from "apache-arrow";
import type { EngineQueries } from "@/lib/db/engine-query";
import { ResultCollector, type ArrowBatchLike, type ResultSet } from "./result-set";

/** Rows a result keeps for the table, the chart and CSV; the count beyond it is still given. */
export const ROW_CAP = 100_000;

/**
 * The workbench says "Running…" (and offers Cancel) once a query has run this long: a quick answer
 * replaces the last one directly, in one render and one frame, with no "running" state drawn between.
 */
export const RUNNING_SHOWN_AFTER_MS = 100;

export type RunOutcome =
  | { state: "done"; result: ResultSet; ms: number }
  | { state: "cancelled"; ms: number }
  | { state: "error"; message: string; ms: number };

export interface RunningQuery {
  outcome: Promise<RunOutcome>;
  /** Stops the query between DuckDB's slices (`cancelSent`). */
  cancel(): Promise<void>;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The answer's Arrow IPC messages: those the engine sent with its answer, then (for an answer larger than
 * it sends at once) the connection's next batches, fetched one by one until the end.
 */
async function* answerMessages(
  conn: AsyncDuckDBConnection,
  chunks: Uint8Array[],
  more: boolean,
  stopped: () => boolean,
): AsyncGenerator<Uint8Array> {
  yield* chunks;
  while (more && !stopped()) {
    const chunk = await conn.useUnsafe((bindings, id) => bindings.fetchQueryResults(id));
    if (chunk === null) continue;
    if (chunk.length === 0) return;
    yield chunk;
  }
}

/**
 * Runs the user's SQL so that `cancelSent` can stop it between DuckDB's slices, and reads the answer batch
 * by batch, keeping only the cap of rows. With the engine's one-round-trip query (`engine`: the shared
 * engine's, or a dedicated worker's query port), a quick answer comes back in one message; otherwise
 * DuckDB-WASM's `send` makes a round trip to its worker for the start, each poll, each batch and the end.
 */
export function runSql(
  conn: AsyncDuckDBConnection,
  sql: string,
  engine: EngineQueries | null = null,
  cap = ROW_CAP,
): RunningQuery {
  const started = performance.now();
  let cancelled = false;
  const elapsed = () => Math.round(performance.now() - started);
  const outcome = (async (): Promise<RunOutcome> => {
    try {
      // Not streamed: a streamed result runs its whole pipeline in one fetch, which `cancelSent` cannot stop.
      const reader = engine
        ? await engine
            .run(
              conn.useUnsafe((_, id) => id),
              sql,
            )
            .then(({ chunks, more }) =>
              RecordBatchReader.from(answerMessages(conn, chunks, more, () => cancelled)),
            )
        : await conn.send(sql, false);
      const collector = new ResultCollector(cap);
      for await (const batch of reader) {
        if (cancelled) break;
        collector.add(batch as unknown as ArrowBatchLike);
      }
      if (cancelled) return { state: "cancelled", ms: elapsed() };
      return { state: "done", result: collector.result(reader.schema?.fields), ms: elapsed() };
    } catch (error) {
      if (cancelled) return { state: "cancelled", ms: elapsed() };
      return { state: "error", message: message(error), ms: elapsed() };
    }
  })();
  return {
    outcome,
    async cancel() {
      cancelled = true;
      await conn.cancelSent();
    },
  };
}
