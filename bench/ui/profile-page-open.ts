// Profiles "50M: overview on screen, file chosen as the page opens" (bench/ui/duckdb-figures.ts's
// overviewAsPageOpens) in real Chromium: a fresh browser, page.goto(url, commit), the file chosen as soon
// as React has hydrated the file input, until the overview is on screen. A Chrome trace of the whole
// renderer (main thread and every worker, with V8's sampling profiler) is written as trace-N.json (open it
// in Chrome DevTools' Performance panel), and printed here: when each step happened (from the commit), and
// per thread the busy time in each phase by what it did (script compiled, evaluated, run; style, layout,
// paint; GC), plus the self time per function from the sampling profiler.
//
//   npx tsx bench/ui/profile-page-open.ts FILE.arrow [OUT_DIR] [RUNS]   (builds the app unless TICKSCOPE_BENCH_NO_BUILD=1)
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { chromium } from "@playwright/test";
import { CHROMIUM_LAUNCH } from "../../playwright.config";
import { fileInputHydrated } from "./duckdb-figures";
import { startApp } from "./server";
import { analyseTrace, type TraceEvent } from "./trace-phases";

const NAME_SHIM = "window.__name = (fn) => fn;";
/** Marks in the page's own clock (user timing, so that they land in the trace): chosen, overview painted. */
const MARKS = `
document.addEventListener("change", (e) => {
  if (e.target?.dataset?.testid === "open-files") performance.mark("bench:chosen");
}, true);
new MutationObserver(() => {
  if (window.__overviewAt || !document.querySelector('[data-testid="panel-timeline"][data-state="ready"]')) return;
  performance.mark("bench:overview-ready");
  requestAnimationFrame(() => requestAnimationFrame(() => {
    if (window.__overviewAt) return;
    window.__overviewAt = Date.now();
    performance.mark("bench:overview");
  }));
}).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-state"], childList: true });`;

const CATEGORIES = [
  "devtools.timeline",
  "disabled-by-default-devtools.timeline",
  "disabled-by-default-devtools.timeline.frame",
  "blink.user_timing",
  "loading",
  "toplevel",
  "v8",
  "v8.execute",
  "disabled-by-default-v8.cpu_profiler",
  "disabled-by-default-v8.gc",
].join(",");

async function profileOnce(url: string, file: string, out: string) {
  const browser = await chromium.launch(CHROMIUM_LAUNCH);
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.addInitScript(NAME_SHIM);
    await page.addInitScript(MARKS);
    const cdp = await browser.newBrowserCDPSession();
    const events: TraceEvent[] = [];
    cdp.on("Tracing.dataCollected", (e) => events.push(...(e.value as unknown as TraceEvent[])));
    const done = new Promise((resolve) => cdp.once("Tracing.tracingComplete", resolve));
    await cdp.send("Tracing.start", { categories: CATEGORIES, transferMode: "ReportEvents" });
    const load = loadavg()[0];
    const started = Date.now();
    await page.goto(url, { waitUntil: "commit" });
    // As the bench does (duckdb-figures.ts): Playwright's locator script made before the timed choice.
    await page.getByTestId("open-files").waitFor({ state: "attached", timeout: 60_000 });
    await fileInputHydrated(page);
    const chosen = Date.now();
    await page.getByTestId("open-files").setInputFiles([file]);
    const overviewAt = (await (
      await page.waitForFunction(
        () => (window as unknown as { __overviewAt?: number }).__overviewAt,
        undefined,
        {
          timeout: 600_000,
          polling: 50,
        },
      )
    ).jsonValue()) as number;
    await page.waitForTimeout(300);
    await cdp.send("Tracing.end");
    await done;
    writeFileSync(out, JSON.stringify({ traceEvents: events }));
    console.log(
      `\n${out}: overview ${overviewAt - chosen} ms after the choice (bench's way), chosen ${chosen - started} ms after goto; load ${load.toFixed(1)} → ${loadavg()[0].toFixed(1)}`,
    );
    console.log(analyseTrace(events));
  } finally {
    await browser.close();
  }
}

async function main() {
  const [file, outDir = "profile-results", runs = "1"] = process.argv.slice(2);
  if (!file) throw new Error("usage: tsx bench/ui/profile-page-open.ts FILE.arrow [OUT_DIR] [RUNS]");
  mkdirSync(outDir, { recursive: true });
  const app = await startApp();
  try {
    for (let i = 0; i < Number(runs); i++) await profileOnce(app.url, file, join(outDir, `trace-${i}.json`));
  } finally {
    app.stop();
  }
}

await main();
