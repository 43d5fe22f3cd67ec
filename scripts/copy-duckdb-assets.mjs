// Copies DuckDB-WASM's wasm and worker files into public/duckdb so the app serves them itself.
// Importing the .wasm through the bundler fails under Turbopack (vercel/next.js #78591, #84972).
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { sharedEngineFile, sharedEngineSource } from "../lib/db/duckdb-worker.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const source = join(root, "node_modules", "@duckdb", "duckdb-wasm", "dist");
// Under the version (lib/db/duckdb.ts DUCKDB_ASSET_PATH), so the files can be served immutable.
const { version } = JSON.parse(readFileSync(join(source, "..", "package.json"), "utf8"));
const target = join(root, "public", "duckdb", version);
const files = [
  "duckdb-mvp.wasm",
  "duckdb-eh.wasm",
  "duckdb-browser-mvp.worker.js",
  "duckdb-browser-eh.worker.js",
];

if (!existsSync(source)) {
  console.error(`copy-duckdb-assets: ${source} is missing; run npm install first`);
  process.exit(1);
}
mkdirSync(target, { recursive: true });
for (const file of files) {
  const from = join(source, file);
  const to = join(target, file);
  if (
    existsSync(to) &&
    statSync(to).size === statSync(from).size &&
    statSync(to).mtimeMs >= statSync(from).mtimeMs
  )
    continue;
  copyFileSync(from, to);
}
// The shared engine's script (lib/db/duckdb-worker.js): a stable same-origin URL, so a tab finds it again.
writeFileSync(join(target, sharedEngineFile()), sharedEngineSource());
console.log(`copy-duckdb-assets: ${files.length + 1} files in public/duckdb/${version}`);
