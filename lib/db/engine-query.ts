/**
 * The page's side of the engine's one-round-trip query (ENGINE_QUERY in duckdb-worker.js; the shared
 * engine, or a dedicated worker's query port): the query goes to the engine in one message, and its
 * answer (the Arrow IPC messages of a result up to ENGINE_ANSWER_BYTES, or DuckDB's error) comes back in
 * one. DuckDB-WASM's own `send` makes a round trip through the engine's port for the start, each poll and
 * each batch, and the end.
 */
import { ENGINE_ANSWER, ENGINE_QUERY } from "./duckdb-worker";

export interface EngineAnswer {
  /** The schema message, then record batch messages. */
  chunks: Uint8Array[];
  /** The engine stopped at ENGINE_ANSWER_BYTES: the rest is fetched from the connection (FETCH_QUERY_RESULTS). */
  more: boolean;
  /** The engine's clock (performance.timeOrigin + now) when it took the query and when it answered. */
  received: number;
  answered: number;
}

type AnswerMessage = Omit<EngineAnswer, "chunks" | "more"> & {
  type: string;
  id: number;
  chunks?: Uint8Array[];
  more?: boolean;
  error?: { name: string; message: string };
};

/** What the engine's query needs of the port to it: PortWorker (its `control` gets the engine's own messages). */
export interface EnginePort {
  postMessage(message: unknown): void;
  control: EventTarget;
}

export class EngineQueries {
  private readonly waiting = new Map<
    number,
    { resolve(answer: EngineAnswer): void; reject(error: Error): void }
  >();
  private nextId = 1;

  constructor(private readonly port: EnginePort) {
    port.control.addEventListener("message", (event) => {
      const data = (event as MessageEvent).data as AnswerMessage;
      if (data?.type !== ENGINE_ANSWER) return;
      const waiter = this.waiting.get(data.id);
      if (!waiter) return;
      this.waiting.delete(data.id);
      if (data.error) waiter.reject(Object.assign(new Error(data.error.message), { name: data.error.name }));
      else
        waiter.resolve({
          chunks: data.chunks ?? [],
          more: data.more ?? false,
          received: data.received,
          answered: data.answered,
        });
    });
  }

  /** Runs `sql` on the engine's connection `connection`; `cancelSent` on that connection stops it. */
  run(connection: number, sql: string): Promise<EngineAnswer> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.port.postMessage({ type: ENGINE_QUERY, id, connection, sql });
    });
  }
}
