import {
  API_CONTENT_SECURITY_POLICY,
  SECURITY_HEADERS,
  WORKER_CONTENT_SECURITY_POLICY,
} from "./lib/security/headers.js";

/** @param {Record<string, string>} headers */
const headerList = (headers) => Object.entries(headers).map(([key, value]) => ({ key, value }));

/** @type {import("next").NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // The server reads bundles with apache-arrow and fflate in Node; keep them out of the server bundle.
  serverExternalPackages: ["apache-arrow"],
  // Pages get their Content-Security-Policy (with a nonce) from proxy.ts.
  async headers() {
    return [
      { source: "/:path*", headers: headerList(SECURITY_HEADERS) },
      {
        source: "/api/:path*",
        headers: headerList({ "Content-Security-Policy": API_CONTENT_SECURITY_POLICY }),
      },
      {
        source: "/duckdb/:path*",
        headers: headerList({ "Content-Security-Policy": WORKER_CONTENT_SECURITY_POLICY }),
      },
      {
        // The path holds DuckDB-WASM's version (scripts/copy-duckdb-assets.mjs): its files never change.
        source: "/duckdb/:version/:file",
        headers: headerList({ "Cache-Control": "public, max-age=31536000, immutable" }),
      },
    ];
  },
};

export default nextConfig;
