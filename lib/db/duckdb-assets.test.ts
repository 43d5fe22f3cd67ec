import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { DUCKDB_ASSET_PATH, DUCKDB_VERSION } from "./duckdb";

describe("DuckDB-WASM's files", () => {
  it("are asked for under the installed version's path, which the postinstall step fills", () => {
    const require = createRequire(import.meta.url);
    const dist = dirname(require.resolve("@duckdb/duckdb-wasm/dist/duckdb-node-blocking.cjs"));
    const pkg = JSON.parse(readFileSync(join(dist, "..", "package.json"), "utf8"));
    expect(DUCKDB_VERSION).toBe(pkg.version);
    expect(DUCKDB_ASSET_PATH).toBe(`/duckdb/${pkg.version}`);
  });
});
