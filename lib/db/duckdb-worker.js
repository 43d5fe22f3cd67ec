/**
 * DuckDB-WASM's worker scripts, as text. Plain JavaScript (typed in duckdb-worker.d.ts): the postinstall
 * step (scripts/copy-duckdb-assets.mjs) writes the shared engine's script into public/duckdb/ with it.
 */

/** The message the worker posts when DuckDB-WASM's wasm could not be fetched or compiled. */
export const START_FAILED = "tickscope:duckdb-start-failed";
/** The shared engine's first message to each page that connects: `state` is fresh, instantiating or instantiated. */
export const ENGINE_STATE = "tickscope:duckdb-engine-state";
/** The shared engine's message once its wasm is instantiated (to the page connected then). */
export const ENGINE_INSTANTIATED = "tickscope:duckdb-engine-instantiated";
/** A page's query the engine runs to its answer in one round trip: `{type, id, connection, sql}`. */
export const ENGINE_QUERY = "tickscope:duckdb-query";
/**
 * The engine's answer to ENGINE_QUERY: `{type, id, chunks, more, received, answered}` (chunks: the Arrow
 * IPC schema message and record batch messages; `more`: the page fetches the rest itself) or
 * `{type, id, error: {name, message}, received, answered}`. received/answered: the engine's clock
 * (performance.timeOrigin + now), when it took the query and when it answered.
 */
export const ENGINE_ANSWER = "tickscope:duckdb-answer";
/**
 * A page's last message to the shared engine, on a `pagehide` that does not keep the page (bfcache): the
 * engine resets DuckDB (the page's tables, settings and connections gone) unless a newer page has connected
 * since, and closes itself if no page connects within ENGINE_LEFT_CLOSE_MS. A reset frees the tables
 * inside the wasm memory, which never shrinks: only ending the engine gives that memory back (measured
 * with bench/ui/page-left-probe.ts), where Chromium itself would keep an engine with no page for 2–5 min.
 */
export const PAGE_LEFT = "tickscope:duckdb-page-left";
/** How long an engine whose last page left waits for the tab's next page before it closes itself. */
export const ENGINE_LEFT_CLOSE_MS = 30_000;
/** The engine stops gathering an answer's batches past this many bytes; the page fetches the rest. */
export const ENGINE_ANSWER_BYTES = 8 << 20;

/**
 * DuckDB-WASM's worker script, wrapped. Its own start-up has two faults here:
 * - it compiles the wasm from a Response it builds around the fetched stream (to count bytes for its
 *   progress events); such a Response has no URL and no cache handler, so Chromium can never keep the
 *   compiled code (traced: no `v8.wasm.moduleCacheHit` or `v8.wasm.cachedModule` on any visit);
 * - a failed fetch or compilation rejects a promise nobody catches, so the page would wait forever.
 * The wrapper answers the library's own fetch of the wasm with an empty body, compiles from the
 * fetched Response itself, and posts any failure to the page. `workerUrl` and `wasmUrl` are JavaScript
 * expressions.
 */
function wrapper(workerUrl, wasmUrl) {
  return `const wasmUrl = ${wasmUrl};
const fetchReal = self.fetch.bind(self);
const instantiateStreaming = WebAssembly.instantiateStreaming.bind(WebAssembly);
self.fetch = (input, init) => {
  const url = typeof input === "string" ? input : input.url;
  if (url === wasmUrl)
    return Promise.resolve(new Response(null, { headers: { "content-type": "application/wasm" } }));
  return fetchReal(input, init);
};
WebAssembly.instantiateStreaming = (_source, imports) => {
  const compiled = instantiateStreaming(fetchReal(wasmUrl, { credentials: "same-origin" }), imports);
  compiled.catch((error) =>
    postMessage({ type: ${JSON.stringify(START_FAILED)}, message: String((error && error.message) || error) }),
  );
  return compiled;
};
importScripts(${workerUrl});
`;
}

/**
 * The page's first message to a dedicated worker: `{type}` with a MessagePort, on which the worker then
 * takes ENGINE_QUERY and answers ENGINE_ANSWER (DuckDB-WASM's AsyncDuckDB, which reads the worker's own
 * messages, never sees them).
 */
export const ENGINE_QUERY_PORT = "tickscope:duckdb-query-port";

/**
 * The dedicated worker's script (run from a blob: URL), for the given worker script and wasm: DuckDB's
 * worker, plus the shared engine's one-message query (queryLoop) on the port the page hands over. The
 * loop's own requests to DuckDB's dispatcher take negative ids, which the page's never are, and their
 * answers stay in the worker.
 */
export function wrappedWorkerSource(workerUrl, wasmUrl) {
  return `"use strict";
const asked = new Map();
let nextId = -Number.MAX_SAFE_INTEGER;
const postToPage = self.postMessage.bind(self);
self.postMessage = (response, transfer) => {
  const request = response && asked.get(response.requestId);
  if (!request) return postToPage(response, transfer);
  asked.delete(response.requestId);
  request.own(response);
};
${queryLoop()}
${wrapper(JSON.stringify(workerUrl), JSON.stringify(wasmUrl))}
const dispatch = self.onmessage;
self.onmessage = (message) => {
  const request = message.data;
  if (request && request.type === ${JSON.stringify(ENGINE_QUERY_PORT)}) {
    const port = message.ports[0];
    port.onmessage = (asking) => {
      if (asking.data && asking.data.type === ${JSON.stringify(ENGINE_QUERY)}) void runQuery(port, asking.data);
    };
    return;
  }
  if (request && request.type === "CANCEL_PENDING_QUERY") running.delete(request.data);
  return dispatch(message);
};`;
}

/**
 * The shared engine: DuckDB-WASM's worker inside a SharedWorker, served from a stable same-origin URL
 * (`?bundle=eh` or `mvp` chooses the files beside it), so that a page of the same tab can find it again
 * after a navigation or a reload. DuckDB's dispatcher answers with `postMessage` and listens with
 * `onmessage`, which a SharedWorker does not have: each connecting page's port feeds the dispatcher,
 * every request gets an id of the engine's own, and each answer goes back, under the page's id, to the
 * port that asked (a page that left cannot receive the answers to its last requests in its successor's
 * place). Anything else (the start failure, DuckDB's log) goes to the page connected last.
 */
export function sharedEngineSource() {
  return `"use strict";
const bundle = new URL(self.location.href).searchParams.get("bundle") === "mvp" ? "mvp" : "eh";
let current = null;
let state = "fresh";
let closing = null;
const asked = new Map();
let nextId = 1;
self.postMessage = (response, transfer) => {
  const request = response && asked.get(response.requestId);
  if (!request) {
    if (current) current.postMessage(response, transfer);
    return;
  }
  if (response.type !== "INSTANTIATE_PROGRESS") asked.delete(response.requestId);
  if (request.own) return request.own(response);
  if (request.type === "INSTANTIATE" && response.type !== "INSTANTIATE_PROGRESS") {
    state = response.type === "OK" ? "instantiated" : "fresh";
    if (state === "instantiated" && current && current !== request.port)
      current.postMessage({ type: ${JSON.stringify(ENGINE_INSTANTIATED)} });
  }
  request.port.postMessage({ ...response, requestId: request.id }, transfer);
};
${queryLoop()}
self.onconnect = (event) => {
  const port = event.ports[0];
  current = port;
  clearTimeout(closing);
  closing = null;
  port.onmessage = (message) => {
    const request = message.data;
    if (request.type === ${JSON.stringify(ENGINE_QUERY)}) return void runQuery(port, request);
    if (request.type === ${JSON.stringify(PAGE_LEFT)}) {
      if (port !== current) return;
      if (state === "instantiated") ask("RESET").catch(() => undefined);
      clearTimeout(closing);
      closing = setTimeout(() => self.close(), ${ENGINE_LEFT_CLOSE_MS});
      return;
    }
    if (request.type === "CANCEL_PENDING_QUERY") running.delete(request.data);
    const id = nextId++;
    asked.set(id, { port, id: request.messageId, type: request.type });
    if (request.type === "INSTANTIATE") state = "instantiating";
    self.onmessage({ data: { ...request, messageId: id } });
  };
  port.postMessage({ type: ${JSON.stringify(ENGINE_STATE)}, state });
};
${wrapper(
  "new URL(`duckdb-browser-${bundle}.worker.js`, self.location.href).href",
  "new URL(`duckdb-${bundle}.wasm`, self.location.href).href",
)}`;
}

/**
 * The engine's side of ENGINE_QUERY: DuckDB's own requests (START_PENDING_QUERY, POLL_PENDING_QUERY while
 * the query runs, FETCH_QUERY_RESULTS until the end or ENGINE_ANSWER_BYTES) asked of its dispatcher from
 * inside the engine, and one answer posted. A page asking the same with `send` makes a round trip through
 * its port for each. Between polls the engine yields to its message queue, so that CANCEL_PENDING_QUERY
 * (`cancelSent`) comes in; it ends the loop (the page is answered with DuckDB's error), and so would a
 * newer query on the same connection (`running`).
 */
function queryLoop() {
  return `const running = new Map();
const clock = () => performance.timeOrigin + performance.now();
const ask = (type, data) =>
  new Promise((resolve, reject) => {
    const id = nextId++;
    asked.set(id, {
      type,
      own: (response) =>
        response.type === "ERROR"
          ? reject(Object.assign(new Error(response.data.message), { name: response.data.name }))
          : resolve(response.data),
    });
    self.onmessage({ data: { messageId: id, type, data } });
  });
const yielded = [];
const queue = new MessageChannel();
queue.port1.onmessage = () => yielded.shift()();
const nextTask = () => new Promise((resolve) => (yielded.push(resolve), queue.port2.postMessage(0)));
async function runQuery(port, { id, connection, sql }) {
  const received = clock();
  const token = {};
  running.set(connection, token);
  const stillAsked = async () => {
    await nextTask();
    if (running.get(connection) !== token) throw Object.assign(new Error("the query was cancelled"), { name: "Cancelled" });
  };
  try {
    let header = await ask("START_PENDING_QUERY", [connection, sql, false]);
    while (!header) {
      await stillAsked();
      header = await ask("POLL_PENDING_QUERY", connection);
    }
    const chunks = [header];
    let bytes = header.byteLength;
    let more = false;
    for (;;) {
      if (bytes > ${ENGINE_ANSWER_BYTES}) {
        more = true;
        break;
      }
      const chunk = await ask("FETCH_QUERY_RESULTS", connection);
      if (chunk === null) {
        await stillAsked();
        continue;
      }
      if (chunk.byteLength === 0) break;
      chunks.push(chunk);
      bytes += chunk.byteLength;
    }
    port.postMessage(
      { type: ${JSON.stringify(ENGINE_ANSWER)}, id, chunks, more, received, answered: clock() },
      [...new Set(chunks.map((chunk) => chunk.buffer))],
    );
  } catch (error) {
    const { name, message } = error instanceof Error ? error : { name: "Error", message: String(error) };
    port.postMessage({ type: ${JSON.stringify(ENGINE_ANSWER)}, id, error: { name, message }, received, answered: clock() });
  } finally {
    if (running.get(connection) === token) running.delete(connection);
  }
}`;
}

/** FNV-1a, 32 bits, in hex: enough to tell one version of the engine's script from another. */
function hash(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, "0");
}

/**
 * The shared engine's file name under public/duckdb/<version>/: it holds its content's hash, so the
 * file can be served immutable and a changed script is a new URL.
 */
export function sharedEngineFile() {
  return `tickscope-engine-${hash(sharedEngineSource())}.js`;
}
