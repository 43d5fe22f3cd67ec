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

/** The dedicated worker's script (run from a blob: URL), for the given worker script and wasm. */
export function wrappedWorkerSource(workerUrl, wasmUrl) {
  return `"use strict";\n${wrapper(JSON.stringify(workerUrl), JSON.stringify(wasmUrl))}`;
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
const asked = new Map();
let nextId = 1;
self.postMessage = (response, transfer) => {
  const request = response && asked.get(response.requestId);
  if (!request) {
    if (current) current.postMessage(response, transfer);
    return;
  }
  if (response.type !== "INSTANTIATE_PROGRESS") asked.delete(response.requestId);
  if (request.type === "INSTANTIATE" && response.type !== "INSTANTIATE_PROGRESS") {
    state = response.type === "OK" ? "instantiated" : "fresh";
    if (state === "instantiated" && current && current !== request.port)
      current.postMessage({ type: ${JSON.stringify(ENGINE_INSTANTIATED)} });
  }
  request.port.postMessage({ ...response, requestId: request.id }, transfer);
};
self.onconnect = (event) => {
  const port = event.ports[0];
  current = port;
  port.onmessage = (message) => {
    const request = message.data;
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
