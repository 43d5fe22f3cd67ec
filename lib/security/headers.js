/**
 * The app's security headers, in one place: next.config.js sends the static ones on every response,
 * proxy.ts sends each page its Content-Security-Policy with a fresh nonce. Plain JavaScript (typed in
 * headers.d.ts) because Node loads next.config.js as it is, without TypeScript.
 */

/** @param {Record<string, string[]>} policy */
const directives = (policy) =>
  Object.entries(policy)
    .map(([name, values]) => [name, ...values].join(" "))
    .join("; ");

/**
 * Pages: scripts only from this origin with the request's nonce (Next.js puts it on its own scripts),
 * WebAssembly compilation for DuckDB-WASM (`'wasm-unsafe-eval'`), workers from this origin or blobs,
 * network only to this origin (and to `readOrigins`: the object store a share link's run files are read
 * from, when it hands out presigned URLs). Inline styles stay allowed: ECharts and React set style
 * attributes.
 */
/**
 * @param {string} nonce
 * @param {boolean} [development]
 * @param {string[]} [readOrigins]
 * @returns {string}
 */
export function pageContentSecurityPolicy(nonce, development = false, readOrigins = []) {
  return directives({
    "default-src": ["'self'"],
    "script-src": [
      "'self'",
      `'nonce-${nonce}'`,
      "'strict-dynamic'",
      "'wasm-unsafe-eval'",
      ...(development ? ["'unsafe-eval'"] : []),
    ],
    "worker-src": ["'self'", "blob:"],
    "connect-src": ["'self'", ...readOrigins, ...(development ? ["ws:"] : [])],
    "img-src": ["'self'", "data:", "blob:"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "font-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
  });
}

/** DuckDB-WASM's worker scripts: load and compile its wasm from this origin, nothing else. */
export const WORKER_CONTENT_SECURITY_POLICY = directives({
  "default-src": ["'self'"],
  "script-src": ["'self'", "'wasm-unsafe-eval'"],
  "worker-src": ["'self'", "blob:"],
  "connect-src": ["'self'"],
});

/** API answers are data, never a document: nothing in them may run, even if opened directly. */
export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox";

/** @type {Record<string, string>} */
export const SECURITY_HEADERS = {
  "X-Content-Type-Options": "nosniff",
  // Share links carry bundle ids: never hand them to another site in a Referer.
  "Referrer-Policy": "no-referrer",
  "X-Frame-Options": "DENY",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Resource-Policy": "same-origin",
  "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
};
