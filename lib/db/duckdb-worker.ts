/** The message the wrapped worker posts when DuckDB-WASM's wasm could not be fetched or compiled. */
export const START_FAILED = "tickscope:duckdb-start-failed";

/**
 * DuckDB-WASM's worker script, wrapped (run from a blob: URL). Its own start-up has two faults here:
 * - it compiles the wasm from a Response it builds around the fetched stream (to count bytes for its
 *   progress events); such a Response has no URL and no cache handler, so Chromium can never keep the
 *   compiled code (traced: no `v8.wasm.moduleCacheHit` or `v8.wasm.cachedModule` on any visit);
 * - a failed fetch or compilation rejects a promise nobody catches, so the page would wait forever.
 * The wrapper answers the library's own fetch of the wasm with an empty body, compiles from the
 * fetched Response itself, and posts any failure to the page.
 */
export function wrappedWorkerSource(workerUrl: string, wasmUrl: string): string {
  const wasm = JSON.stringify(wasmUrl);
  return `"use strict";
const fetchReal = self.fetch.bind(self);
const instantiateStreaming = WebAssembly.instantiateStreaming.bind(WebAssembly);
let libraryFetch = true;
self.fetch = (input, init) => {
  const url = typeof input === "string" ? input : input.url;
  if (libraryFetch && url === ${wasm}) {
    libraryFetch = false;
    return Promise.resolve(new Response(null, { headers: { "content-type": "application/wasm" } }));
  }
  return fetchReal(input, init);
};
WebAssembly.instantiateStreaming = (_source, imports) => {
  const compiled = instantiateStreaming(fetchReal(${wasm}, { credentials: "same-origin" }), imports);
  compiled.catch((error) =>
    postMessage({ type: ${JSON.stringify(START_FAILED)}, message: String((error && error.message) || error) }),
  );
  return compiled;
};
importScripts(${JSON.stringify(workerUrl)});
`;
}
