import { runInNewContext } from "node:vm";
import { describe, expect, it, vi } from "vitest";
import {
  ENGINE_ANSWER,
  ENGINE_INSTANTIATED,
  ENGINE_LEFT_CLOSE_MS,
  ENGINE_QUERY,
  ENGINE_QUERY_PORT,
  ENGINE_STATE,
  PAGE_LEFT,
  START_FAILED,
  sharedEngineFile,
  sharedEngineSource,
  wrappedWorkerSource,
} from "./duckdb-worker";

const SCRIPT = "http://app.test/duckdb/1.32.0/tickscope-engine.js?bundle=eh";

interface Request {
  messageId: number;
  type: string;
  data?: unknown;
}

/**
 * How the stand-in answers DuckDB's query requests: `polls` POLL_PENDING_QUERY answers of null (the query
 * still running) before the header, then `batches` batches; `error` fails the start as DuckDB would.
 */
interface QueryScript {
  polls: number;
  batches: number;
  error?: string;
}

/**
 * The shared engine's script run in a bare global, with a stand-in for DuckDB-WASM's worker script
 * behind importScripts: like DuckDB's dispatcher it reads `onmessage` and answers with `postMessage`,
 * echoing each request's type; INSTANTIATE answers with a progress event and then OK once `finish()`
 * is called. `wasmFails` makes the wasm's fetch fail.
 */
function engine({
  wasmFails = false,
  query = { polls: 0, batches: 1 } as QueryScript,
  source = sharedEngineSource(),
}: { wasmFails?: boolean; query?: QueryScript; source?: string } = {}) {
  /** What a dedicated worker posted to its page (a shared engine posts to ports instead). */
  const posted: { type: string; requestId?: number; data?: unknown }[] = [];
  const imported: string[] = [];
  const seen: string[] = [];
  let pending = 0;
  let sent = 0;
  let cancelled = false;
  let finish = () => {};
  /** The engine's timers, run by hand (`due`), and whether it closed itself. */
  const timers = new Map<number, { run: () => void; ms: number }>();
  let closed = false;
  let timerId = 0;
  const global: Record<string, unknown> = {
    setTimeout: (run: () => void, ms: number) => (timers.set(++timerId, { run, ms }), timerId),
    clearTimeout: (id: number | null) => id !== null && timers.delete(id),
    close: () => (closed = true),
    postMessage: (message: (typeof posted)[number]) => posted.push(message),
    location: { href: SCRIPT },
    URL,
    Response,
    console,
    performance,
    MessageChannel,
    fetch: (url: string) =>
      wasmFails ? Promise.reject(new Error(`no route to ${url}`)) : Promise.resolve(new Response("")),
    WebAssembly: { instantiateStreaming: async (source: Promise<unknown>) => ({ module: await source }) },
    importScripts(url: string) {
      imported.push(url);
      const self = global as {
        postMessage(m: unknown): void;
        WebAssembly: { instantiateStreaming(source: unknown, imports: object): Promise<unknown> };
      };
      global.onmessage = ({ data }: { data: Request }) => {
        const answer = (type: string) =>
          self.postMessage({ messageId: 0, requestId: data.messageId, type, data: data.type });
        const reply = (type: string, value: unknown) =>
          self.postMessage({ messageId: 0, requestId: data.messageId, type, data: value });
        seen.push(data.type);
        const header = () => new Uint8Array([0xff, 0xff]);
        switch (data.type) {
          case "START_PENDING_QUERY":
            if (query.error) return reply("ERROR", { name: "Error", message: query.error });
            pending = query.polls;
            return reply("QUERY_RESULT_HEADER_OR_NULL", pending > 0 ? null : header());
          case "POLL_PENDING_QUERY":
            if (cancelled) return reply("ERROR", { name: "Error", message: "no active pending query" });
            return reply("QUERY_RESULT_HEADER_OR_NULL", --pending > 0 ? null : header());
          case "FETCH_QUERY_RESULTS":
            return reply("QUERY_RESULT_CHUNK", new Uint8Array(sent < query.batches ? [++sent] : []));
          case "CANCEL_PENDING_QUERY":
            cancelled = true;
            return reply("SUCCESS", true);
        }
        if (data.type !== "INSTANTIATE") return answer(`ANSWER_${data.type}`);
        answer("INSTANTIATE_PROGRESS");
        void self.WebAssembly.instantiateStreaming(Promise.resolve(), {}).catch(() => undefined);
        finish = () => answer("OK");
      };
    },
  };
  global.self = global;
  runInNewContext(source, global);
  const connect = () => {
    const { port1: page, port2: inside } = new MessageChannel();
    const received: { type: string; requestId?: number; data?: unknown }[] = [];
    page.onmessage = (event) => received.push(event.data);
    (global.onconnect as (event: { ports: MessagePort[] }) => void)({ ports: [inside] });
    return { page, received };
  };
  /** A dedicated worker's page: a request as AsyncDuckDB posts it, and the query port handed over. */
  const fromPage = (data: unknown, ports: MessagePort[] = []) =>
    (global.onmessage as (event: { data: unknown; ports: MessagePort[] }) => void)({ data, ports });
  /** Runs the timers set for `ms`, as if that long had passed. */
  const due = (ms: number) => {
    for (const [id, timer] of [...timers])
      if (timer.ms <= ms) {
        timers.delete(id);
        timer.run();
      }
  };
  return {
    imported,
    seen,
    posted,
    connect,
    fromPage,
    due,
    closed: () => closed,
    finish: () => finish(),
    close: () => undefined,
  };
}

/** Waits (messages cross ports asynchronously) until `list` holds `n` messages, then a little more for any extra. */
async function holds(list: unknown[], n: number) {
  await vi.waitFor(() => expect(list.length).toBeGreaterThanOrEqual(n), { timeout: 5000 });
  await new Promise((resolve) => setTimeout(resolve, 20));
}

describe("the shared engine's script", () => {
  it("loads the chosen bundle's worker from beside itself", () => {
    expect(engine().imported).toEqual(["http://app.test/duckdb/1.32.0/duckdb-browser-eh.worker.js"]);
  });

  it("tells each page the engine's state, and a page arriving mid-start when the start is done", async () => {
    const e = engine();
    const first = e.connect();
    first.page.postMessage({ messageId: 0, type: "INSTANTIATE" });
    await holds(first.received, 2);
    expect(first.received.map((m) => m.type)).toEqual([ENGINE_STATE, "INSTANTIATE_PROGRESS"]);
    expect(first.received[0]).toMatchObject({ state: "fresh" });

    // The first page leaves during the start; the tab's next page finds the engine starting.
    const next = e.connect();
    await holds(next.received, 1);
    expect(next.received).toEqual([{ type: ENGINE_STATE, state: "instantiating" }]);
    e.finish();
    await holds(next.received, 2);
    await holds(first.received, 3);
    expect(next.received.map((m) => m.type)).toEqual([ENGINE_STATE, ENGINE_INSTANTIATED]);
    expect(first.received.at(-1)).toMatchObject({ type: "OK", requestId: 0 });

    const third = e.connect();
    await holds(third.received, 1);
    expect(third.received).toEqual([{ type: ENGINE_STATE, state: "instantiated" }]);
    for (const p of [first, next, third]) p.page.close();
  });

  it("answers each page under its own ids, even when an old page and a new one used the same id", async () => {
    const e = engine();
    const old = e.connect();
    const current = e.connect();
    old.page.postMessage({ messageId: 3, type: "RUN_QUERY" });
    current.page.postMessage({ messageId: 3, type: "CONNECT" });
    current.page.postMessage({ messageId: 4, type: "GET_VERSION" });
    await holds(old.received, 2);
    await holds(current.received, 3);
    expect(old.received.slice(1)).toEqual([
      { messageId: 0, requestId: 3, type: "ANSWER_RUN_QUERY", data: "RUN_QUERY" },
    ]);
    expect(current.received.slice(1)).toEqual([
      { messageId: 0, requestId: 3, type: "ANSWER_CONNECT", data: "CONNECT" },
      { messageId: 0, requestId: 4, type: "ANSWER_GET_VERSION", data: "GET_VERSION" },
    ]);
    old.page.close();
    current.page.close();
  });

  it("tells the page that connected last when the wasm cannot be fetched", async () => {
    const e = engine({ wasmFails: true });
    const page = e.connect();
    page.page.postMessage({ messageId: 0, type: "INSTANTIATE" });
    await vi.waitFor(() => expect(page.received.some((m) => m.type === START_FAILED)).toBe(true));
    const failure = page.received.find((m) => m.type === START_FAILED) as { message: string } | undefined;
    expect(failure?.message).toBe("no route to http://app.test/duckdb/1.32.0/duckdb-eh.wasm");
    page.page.close();
  });

  it("runs a query to its answer inside the engine and answers it in one message", async () => {
    const e = engine({ query: { polls: 3, batches: 2 } });
    const page = e.connect();
    page.page.postMessage({ type: ENGINE_QUERY, id: 7, connection: 2, sql: "SELECT 1" });
    await holds(page.received, 2);
    expect(page.received.map((m) => m.type)).toEqual([ENGINE_STATE, ENGINE_ANSWER]);
    const answer = page.received[1] as unknown as { id: number; chunks: Uint8Array[]; more: boolean };
    expect(answer).toMatchObject({ id: 7, more: false });
    expect(answer.chunks.map((c) => [...c])).toEqual([[0xff, 0xff], [1], [2]]);
    expect(e.seen).toEqual([
      "START_PENDING_QUERY",
      "POLL_PENDING_QUERY",
      "POLL_PENDING_QUERY",
      "POLL_PENDING_QUERY",
      "FETCH_QUERY_RESULTS",
      "FETCH_QUERY_RESULTS",
      "FETCH_QUERY_RESULTS",
    ]);
    page.page.close();
  });

  it("stops polling a query when the page cancels it, and answers with the reason", async () => {
    const e = engine({ query: { polls: Number.POSITIVE_INFINITY, batches: 0 } });
    const page = e.connect();
    page.page.postMessage({ type: ENGINE_QUERY, id: 1, connection: 4, sql: "SELECT slow()" });
    await vi.waitFor(() =>
      expect(e.seen.filter((t) => t === "POLL_PENDING_QUERY").length).toBeGreaterThan(2),
    );
    page.page.postMessage({ messageId: 9, type: "CANCEL_PENDING_QUERY", data: 4 });
    await holds(page.received, 3);
    const polls = e.seen.length;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(e.seen.length).toBe(polls);
    expect(page.received.slice(1)).toEqual([
      { messageId: 0, requestId: 9, type: "SUCCESS", data: true },
      expect.objectContaining({
        type: ENGINE_ANSWER,
        id: 1,
        error: expect.objectContaining({ name: "Cancelled" }),
      }),
    ]);
    page.page.close();
  });

  it("answers DuckDB's error as DuckDB gave it", async () => {
    const message = 'Parser Error: syntax error at or near "SELEC"';
    const e = engine({ query: { polls: 0, batches: 0, error: message } });
    const page = e.connect();
    page.page.postMessage({ type: ENGINE_QUERY, id: 3, connection: 1, sql: "SELEC 1" });
    await holds(page.received, 2);
    expect(page.received[1]).toMatchObject({ type: ENGINE_ANSWER, id: 3, error: { name: "Error", message } });
    page.page.close();
  });

  it("resets DuckDB when the page connected last leaves, not when an older one does", async () => {
    const e = engine();
    const first = e.connect();
    first.page.postMessage({ messageId: 0, type: "INSTANTIATE" });
    await holds(first.received, 2);
    e.finish();
    await holds(first.received, 3);
    const next = e.connect();
    await holds(next.received, 1);
    first.page.postMessage({ type: PAGE_LEFT });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(e.seen).not.toContain("RESET");
    next.page.postMessage({ type: PAGE_LEFT });
    await vi.waitFor(() => expect(e.seen).toContain("RESET"));
    expect(next.received.map((m) => m.type)).toEqual([ENGINE_STATE]);
    first.page.close();
    next.page.close();
  });

  it("closes itself when no page of the tab comes back in time, and stays when one does", async () => {
    const e = engine();
    const first = e.connect();
    first.page.postMessage({ messageId: 0, type: "INSTANTIATE" });
    await holds(first.received, 2);
    e.finish();
    await holds(first.received, 3);
    // The tab's next page arrives within the wait: the engine stays.
    first.page.postMessage({ type: PAGE_LEFT });
    await vi.waitFor(() => expect(e.seen).toContain("RESET"));
    const next = e.connect();
    e.due(ENGINE_LEFT_CLOSE_MS);
    expect(e.closed()).toBe(false);
    // It leaves too, and nobody comes: the engine ends, and its memory with it.
    next.page.postMessage({ type: PAGE_LEFT });
    await vi.waitFor(() => expect(e.seen.filter((t) => t === "RESET")).toHaveLength(2));
    e.due(ENGINE_LEFT_CLOSE_MS - 1);
    expect(e.closed()).toBe(false);
    e.due(ENGINE_LEFT_CLOSE_MS);
    expect(e.closed()).toBe(true);
    first.page.close();
    next.page.close();
  });

  it("is served under a name that changes with its content", () => {
    expect(sharedEngineFile()).toMatch(/^tickscope-engine-[0-9a-f]{8}\.js$/);
  });
});

describe("the dedicated worker's script (where there is no SharedWorker)", () => {
  const dedicated = (query: QueryScript) =>
    engine({ query, source: wrappedWorkerSource("http://app.test/worker.js", "http://app.test/x.wasm") });

  it("answers a query in one message on the port the page handed over, and its DuckDB requests stay inside", async () => {
    const e = dedicated({ polls: 2, batches: 2 });
    const { port1: page, port2: inside } = new MessageChannel();
    const received: { type: string; id?: number; chunks?: Uint8Array[] }[] = [];
    page.onmessage = (event) => received.push(event.data);
    e.fromPage({ type: ENGINE_QUERY_PORT }, [inside]);
    // The page's own request, as AsyncDuckDB numbers it, still goes to DuckDB and back to the page.
    e.fromPage({ messageId: 0, type: "GET_VERSION" });
    page.postMessage({ type: ENGINE_QUERY, id: 5, connection: 1, sql: "SELECT 1" });
    await holds(received, 1);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ type: ENGINE_ANSWER, id: 5 });
    expect(received[0].chunks!.map((c) => [...c])).toEqual([[0xff, 0xff], [1], [2]]);
    expect(e.seen).toEqual([
      "GET_VERSION",
      "START_PENDING_QUERY",
      "POLL_PENDING_QUERY",
      "POLL_PENDING_QUERY",
      "FETCH_QUERY_RESULTS",
      "FETCH_QUERY_RESULTS",
      "FETCH_QUERY_RESULTS",
    ]);
    expect(e.posted).toEqual([{ messageId: 0, requestId: 0, type: "ANSWER_GET_VERSION", data: "GET_VERSION" }]);
    page.close();
  });

  it("stops polling when the page cancels through DuckDB's own request, and answers with the reason", async () => {
    const e = dedicated({ polls: Number.POSITIVE_INFINITY, batches: 0 });
    const { port1: page, port2: inside } = new MessageChannel();
    const received: { type: string; id?: number; error?: { name: string } }[] = [];
    page.onmessage = (event) => received.push(event.data);
    e.fromPage({ type: ENGINE_QUERY_PORT }, [inside]);
    page.postMessage({ type: ENGINE_QUERY, id: 2, connection: 3, sql: "SELECT slow()" });
    await vi.waitFor(() =>
      expect(e.seen.filter((t) => t === "POLL_PENDING_QUERY").length).toBeGreaterThan(2),
    );
    e.fromPage({ messageId: 4, type: "CANCEL_PENDING_QUERY", data: 3 });
    await holds(received, 1);
    const polls = e.seen.length;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(e.seen.length).toBe(polls);
    expect(received).toEqual([
      expect.objectContaining({ type: ENGINE_ANSWER, id: 2, error: expect.objectContaining({ name: "Cancelled" }) }),
    ]);
    expect(e.posted).toEqual([{ messageId: 0, requestId: 4, type: "SUCCESS", data: true }]);
    page.close();
  });
});
