// Does Chromium's wasm code cache work here, and from where? A minimal page, outside the app: a bare HTTP
// server gives the wasm `immutable` with `application/wasm`, and a page compiles it with
// `WebAssembly.compileStreaming(fetch(url))` on the page, in a worker started from a same-origin URL, or in a
// worker started from a blob: URL (as lib/db/duckdb.ts does). Each way runs a first visit in an empty
// profile (kept open `dwell` ms), then three new browsers on the same profile; Chromium's trace says whether
// the code cache was written (`v8.wasm.cachedModule`) or read (`v8.wasm.moduleCacheHit`), and the profile's
// `Code Cache/wasm` directory what it holds.
//   npx tsx bench/ui/wasm-code-cache-probe.ts [page|worker|blob ...] [--dwell=ms] [--hot]
// --hot serves a small module that V8 surely tiers up (24 hot loops, padded to 200 KB) instead of DuckDB's
// (whose compilation alone runs nothing). PROBE_FLAGS="--js-flags=..." adds Chromium flags.
// Found on Chromium 150 (docs/architecture.md, "DuckDB-WASM's start-up"): DuckDB's module alone is never
// cached (nothing runs, so nothing is optimised); the hot module is written on the first visit and hit on
// every later one, on the page and in a blob: worker alike, once V8 has optimised code and 2 s have passed
// without more (`--wasm-caching-timeout-ms`); a first visit kept 5 s under load was not long enough.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Page } from "@playwright/test";
import { CHROMIUM_FLAGS, CHROMIUM_LAUNCH } from "../../playwright.config";
import { DUCKDB_ASSET_PATH } from "../../lib/db/duckdb";

const WASM = join(process.cwd(), "public", DUCKDB_ASSET_PATH, "duckdb-eh.wasm");
const args = process.argv.slice(2);
const ways = args.filter((a) => !a.startsWith("--"));
const dwell = Number(args.find((a) => a.startsWith("--dwell="))?.slice(8) ?? 10_000);

const HOT_FUNCTIONS = 24;
const hot = args.includes("--hot");

const leb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return out;
};
const section = (id: number, body: number[]) => [id, ...leb(body.length), ...body];
const vec = (items: number[][]) => [...leb(items.length), ...items.flat()];

/**
 * A module V8 surely tiers up: HOT_FUNCTIONS exported loops `f<i>(n)` summing n..1, padded with a 200 KB
 * data segment past Chromium's 128 KB threshold for caching.
 */
function hotModule(): Buffer {
  // prettier-ignore
  const loop = [0x01, 0x01, 0x7f, 0x02, 0x40, 0x03, 0x40, 0x20, 0x00, 0x45, 0x0d, 0x01, 0x20, 0x01, 0x20, 0x00,
    0x6a, 0x21, 0x01, 0x20, 0x00, 0x41, 0x01, 0x6b, 0x21, 0x00, 0x0c, 0x00, 0x0b, 0x0b, 0x20, 0x01, 0x0b];
  const indices = Array.from({ length: HOT_FUNCTIONS }, (_, i) => i);
  const padding = new Array<number>(200_000).fill(7);
  return Buffer.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, 0x01, 0x7f, 0x01, 0x7f]])),
    ...section(3, vec(indices.map(() => [0x00]))),
    ...section(5, vec([[0x00, 0x04]])),
    ...section(7, vec(indices.map((i) => [...leb(`f${i}`.length), ...Buffer.from(`f${i}`), 0x00, ...leb(i)]))),
    ...section(10, vec(indices.map(() => [...leb(loop.length), ...loop]))),
    ...section(11, vec([[0x00, 0x41, 0x00, 0x0b, ...leb(padding.length), ...padding]])),
  ]);
}

/** Compiles /m.wasm (with --hot: instantiates it and runs every function hot), posts/stores `compiled <ms>`. */
const COMPILE = `
const t = performance.now();
WebAssembly.compileStreaming(fetch("/m.wasm")).then(
  async (module) => {
    const ms = Math.round(performance.now() - t);
    if (${hot}) {
      const { exports } = await WebAssembly.instantiate(module);
      for (let round = 0; round < 20; round++) for (const f of Object.values(exports)) f(1000000);
    }
    report("compiled " + ms);
  },
  (e) => report("failed " + e),
);`;
const PAGES: Record<string, string> = {
  page: `<script>const report = (m) => (window.__result = m);${COMPILE}</script>`,
  worker: `<script>const w = new Worker("/w.js"); w.onmessage = (e) => (window.__result = e.data);</script>`,
  blob: `<script>
const source = ${JSON.stringify(`const report = (m) => postMessage(m);${COMPILE.replace('"/m.wasm"', "ORIGIN + '/m.wasm'")}`)};
const w = new Worker(URL.createObjectURL(new Blob(["const ORIGIN = " + JSON.stringify(location.origin) + ";" + source], { type: "text/javascript" })));
w.onmessage = (e) => (window.__result = e.data);</script>`,
};

async function serve(): Promise<{ url: string; close(): void }> {
  const wasm = hot ? hotModule() : readFileSync(WASM);
  const server = createServer((req, res) => {
    const path = req.url ?? "/";
    if (path === "/m.wasm") {
      res.writeHead(200, {
        "content-type": "application/wasm",
        "cache-control": "public, max-age=31536000, immutable",
        "content-length": wasm.length,
      });
      res.end(wasm);
    } else if (path === "/w.js") {
      res.writeHead(200, { "content-type": "text/javascript" });
      res.end(`const report = (m) => postMessage(m);${COMPILE}`);
    } else {
      const way = path.slice(1);
      res.writeHead(PAGES[way] ? 200 : 404, { "content-type": "text/html" });
      res.end(PAGES[way] ?? "no such page");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, close: () => server.close() };
}

/** The files in the profile's wasm code cache (Chromium's GeneratedCodeCache, `Default/Code Cache/wasm`). */
function cacheFiles(profile: string): string {
  const dir = join(profile, "Default", "Code Cache", "wasm");
  if (!existsSync(dir)) return `no directory (${readdirSync(join(profile, "Default")).join(" ")})`;
  const files = readdirSync(dir).filter((f) => f.endsWith("_0"));
  return `${files.length} entries, ${files.reduce((sum, f) => sum + statSync(join(dir, f)).size, 0)} bytes`;
}

async function visit(page: Page, url: string, dwellMs: number): Promise<string> {
  const cdp = await page.context().newCDPSession(page);
  const names: string[] = [];
  cdp.on("Tracing.dataCollected", (e) => names.push(...(e.value as { name: string }[]).map((v) => v.name)));
  const done = new Promise((resolve) => cdp.once("Tracing.tracingComplete", resolve));
  await cdp.send("Tracing.start", {
    categories: "devtools.timeline,disabled-by-default-devtools.timeline,v8.wasm,disabled-by-default-v8.wasm.detailed",
    transferMode: "ReportEvents",
  });
  await page.goto(url);
  const result = await (
    await page.waitForFunction(() => (window as unknown as { __result?: string }).__result, undefined, {
      timeout: 120_000,
    })
  ).jsonValue();
  if (dwellMs) await page.waitForTimeout(dwellMs);
  await cdp.send("Tracing.end");
  await done;
  await cdp.detach();
  const count = (name: string) => names.filter((n) => n === name).length;
  const wasmEvents = [...new Set(names.filter((n) => /wasm/i.test(n)))].map((n) => `${n}×${count(n)}`);
  return `${result} ms; code cache: hit ${count("v8.wasm.moduleCacheHit")}, written ${count("v8.wasm.cachedModule")}; ${wasmEvents.join(" ")}`;
}

const server = await serve();
try {
  for (const way of ways.length ? ways : Object.keys(PAGES)) {
    const profile = mkdtempSync(join(tmpdir(), "wasm-cache-probe-"));
    try {
      const lines: string[] = [];
      for (let i = 0; i < 4; i++) {
        const context = await chromium.launchPersistentContext(profile, {
          ...CHROMIUM_LAUNCH,
          args: [...CHROMIUM_FLAGS, ...(process.env.PROBE_FLAGS ? process.env.PROBE_FLAGS.split(" ") : [])],
        });
        const page = context.pages()[0] ?? (await context.newPage());
        lines.push(`${i === 0 ? "first" : `again ${i}`}: ${await visit(page, `${server.url}/${way}`, i === 0 ? dwell : 0)}`);
        await context.close();
        lines[lines.length - 1] += `; profile's wasm code cache: ${cacheFiles(profile)}`;
      }
      console.log(`${way} (first visit kept ${dwell} ms)\n  ${lines.join("\n  ")}`);
    } finally {
      rmSync(profile, { recursive: true, force: true });
    }
  }
} finally {
  server.close();
}
