/**
 * Issue #12's figures for a 24 h run (1.2 billion samples, about 14 GB) in real Chromium: with its saved
 * summary, the overview and every statistic after choosing the bundle folder, zoom and pan beside a 50M
 * run's, the tab's memory; without it, the read's rate, its time-left estimate and how fast Cancel frees
 * the page. The file is made once (bench/ui/long-run-file.ts): TICKSCOPE_UI_LONG=1 makes it when it is
 * missing; without that, the figures are taken only when a whole copy is already in the cache.
 *
 * Its zoom is measured exactly as ui.bench.ts measures a 50M run's, and a 50M run is measured so in the
 * same bench run, right after: each page waits for DuckDB to be ready before the file is chosen, the
 * zoom starts once every statistic is on screen, the same 70 keys to the next paint, the same figures
 * (ms and frames to the first and to the exact picture, long tasks).
 */
import { mkdirSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "@playwright/test";
import type { Figure } from "../figure";
import type { ZoomSteps } from "../suites/ui.bench";
import { cachedLongRun, ensureLongRun, LONG_RUN_SAMPLES, type LongRun } from "./long-run-file";
import { ensureTickRun } from "./generate";
import { onScreenAfter } from "./on-screen";
import { treeMemory } from "./process-memory";

const MB = 1024 * 1024;
const NAME_SHIM = "window.__name = (fn) => fn;";
/**
 * When the timeline and every run row turn ready, noted in the page as it happens, and the long tasks
 * (as ui.bench.ts does).
 */
const ON_SCREEN = `${NAME_SHIM}
window.__longTasks = [];
new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push(e.duration); })
  .observe({ type: "longtask", buffered: true });
window.__onScreen = {};
const painted = (key) => requestAnimationFrame(() => requestAnimationFrame(() => { window.__onScreen[key] ??= Date.now(); }));
new MutationObserver(() => {
  if (window.__onScreen.armed === undefined) return;
  if (document.querySelector('[data-testid="panel-timeline"][data-state="ready"]')) painted("overview");
  if (document.querySelector('[data-testid="run-row"][data-state="ready"]')) painted("stats");
}).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-state"], childList: true });`;

export interface LongRunBench {
  launch: () => Promise<{ browser: Browser; pid: number }>;
  url: string;
  /** ui.bench.ts's zoom sequence: ms and frames per step to the first and to the exact picture. */
  zoomSteps: (page: Page) => Promise<ZoomSteps>;
  /** ui.bench.ts's zoom figures for a run of `label` (the exact picture's target is `limit` ms). */
  zoomFigures: (label: string, steps: ZoomSteps, longTasks: number[], limit: number) => Figure[];
}

/** The zoom sequence with the long tasks over 50 ms seen during it. */
async function zoomWithLongTasks(bench: LongRunBench, page: Page) {
  const longTasks = () =>
    page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks.splice(0));
  await longTasks();
  const steps = await bench.zoomSteps(page);
  return { steps, longTasks: (await longTasks()).filter((ms) => ms > 50) };
}

async function readyPage(bench: LongRunBench) {
  const { browser, pid } = await bench.launch();
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.addInitScript(ON_SCREEN);
  await page.goto(bench.url);
  // As ui.bench.ts's sizes: the file is chosen once DuckDB is ready.
  await page
    .getByTestId("duckdb-status")
    .and(page.locator('[data-state="ready"]'))
    .waitFor({ timeout: 120_000 });
  await page.evaluate(
    () => ((window as unknown as { __onScreen: { armed: boolean } }).__onScreen.armed = true),
  );
  return { browser, pid, page };
}

/** The bundle folder with its saved summary: overview, statistics, zoom, memory. */
async function withSummary(bench: LongRunBench, run: LongRun) {
  const { browser, pid, page } = await readyPage(bench);
  try {
    const start = Date.now();
    await page.getByTestId("open-folder").setInputFiles(run.dir);
    const overview = await onScreenAfter(page, "overview", start);
    const stats = await onScreenAfter(page, "stats", start);
    const afterOpen = treeMemory(pid);
    const zooms = await zoomWithLongTasks(bench, page);
    return { overview, stats, zooms, afterOpen, afterZoom: treeMemory(pid) };
  } finally {
    await browser.close();
  }
}

const progressOf = async (page: Page) => {
  const text = (await page.getByTestId("run-progress").first().textContent()) ?? "";
  const samples = Number(/· ([\d,]+) samples/.exec(text)?.[1].replaceAll(",", "") ?? NaN);
  return { text, samples };
};

/** A 50M run (summarised in the page), zoomed the same way at the same time: what "as fast as a 50M run" means here. */
async function fiftyMillion(bench: LongRunBench) {
  const dir = join(tmpdir(), "tickscope-ui-bench");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "tick-50M.arrow");
  ensureTickRun(file, 50e6);
  const { browser, page } = await readyPage(bench);
  try {
    const start = Date.now();
    await page.getByTestId("open-files").setInputFiles(file);
    await onScreenAfter(page, "stats", start);
    return await zoomWithLongTasks(bench, page);
  } finally {
    await browser.close();
  }
}

/** The run file alone (no saved summary): read for `ms`, then cancelled. */
async function withoutSummary(bench: LongRunBench, run: LongRun, ms = 20_000) {
  const { browser, pid, page } = await readyPage(bench);
  try {
    await page.getByTestId("open-files").setInputFiles(run.runFile);
    await page.getByTestId("run-time-left").waitFor({ timeout: 60_000 });
    const first = { at: Date.now(), ...(await progressOf(page)) };
    await page.waitForTimeout(ms);
    const last = { at: Date.now(), ...(await progressOf(page)) };
    const timeLeft = (await page.getByTestId("run-time-left").textContent()) ?? "";
    const during = treeMemory(pid);
    const cancelAt = Date.now();
    await page.getByRole("button", { name: /^Cancel reading / }).click();
    await page.getByTestId("run-cancelled").waitFor();
    const cancelMs = Date.now() - cancelAt;
    await page.waitForTimeout(2000);
    const samplesPerS = ((last.samples - first.samples) / (last.at - first.at)) * 1000;
    return { samplesPerS, timeLeft, cancelMs, during, afterCancel: treeMemory(pid), read: last.text };
  } finally {
    await browser.close();
  }
}

export async function longRunFigures(bench: LongRunBench): Promise<Figure[]> {
  const enabled = process.env.TICKSCOPE_UI_LONG === "1" || process.env.TICKSCOPE_UI_LONG === "only";
  const cached = cachedLongRun();
  if (!enabled && !cached)
    return [
      {
        name: "24 h run (1.2B samples): overview",
        median: NaN,
        unit: "ms",
        runs: 0,
        note: "skipped: not generated yet (TICKSCOPE_UI_LONG=1 makes it once, about 14 GB, into TICKSCOPE_BENCH_CACHE)",
      },
    ];
  const run = cached ?? (await ensureLongRun());
  const gb = (run.stamp.runBytes / 1e9).toFixed(1);
  const label = `24 h run (${LONG_RUN_SAMPLES / 1e9}B samples, ${gb} GB)`;
  const loadNow = () =>
    loadavg()
      .map((l) => l.toFixed(2))
      .join(" ");
  const before = loadNow();
  const load = `load average ${before} when measured`;
  const ours = await withSummary(bench, run);
  const short = await fiftyMillion(bench);
  const zoomLoad = `load average ${before} before the 24 h run, ${loadNow()} after the 50M run`;
  const plain = await withoutSummary(bench, run);
  const readS = LONG_RUN_SAMPLES / plain.samplesPerS;
  return [
    {
      name: `${label}: made once (generator, writer and summary, streamed)`,
      median: run.stamp.madeInMs / 1000,
      unit: "s",
      runs: 1,
      note: `load average ${run.stamp.loadAverage.map((l) => l.toFixed(2)).join(" ")} then; reused from ${run.dir}`,
    },
    {
      name: `${label}: overview on screen after choosing the folder (saved summary)`,
      median: ours.overview,
      unit: "ms",
      runs: 1,
      target: "≤ 10000",
      limit: 10_000,
      note: load,
    },
    { name: `${label}: every statistic`, median: ours.stats, unit: "ms", runs: 1 },
    ...bench.zoomFigures(label, ours.zooms.steps, ours.zooms.longTasks, 33).map((figure) => ({
      ...figure,
      ...(figure.target ? { target: `${figure.target} (as a 50M run)` } : {}),
      note: [figure.note, zoomLoad].filter(Boolean).join("; "),
    })),
    ...bench
      .zoomFigures("beside it, a 50M run zoomed the same way right after", short.steps, short.longTasks, 33)
      .map((figure) => ({ ...figure, note: [figure.note, zoomLoad].filter(Boolean).join("; ") })),
    {
      name: `${label}: browser memory after opening and zooming (PSS, all Chromium processes)`,
      median: ours.afterZoom / MB,
      unit: "MB",
      runs: 1,
      target: "≤ 1536",
      limit: 1536,
      note: `after the overview: ${Math.round(ours.afterOpen / MB)} MB; the run is ${gb} GB`,
    },
    {
      name: `${label}, no saved summary: samples read per second in the page`,
      median: plain.samplesPerS / 1e6,
      unit: "M/s",
      runs: 1,
      note: `the whole read would take ${Math.round(readS)} s; the page said "${plain.timeLeft.replace(/^ · /, "")}"; ${load}`,
    },
    {
      name: `${label}, no saved summary: Cancel to the row saying "cancelled"`,
      median: plain.cancelMs,
      unit: "ms",
      runs: 1,
    },
    {
      name: `${label}, no saved summary: browser memory while reading, and after Cancel`,
      median: plain.during / MB,
      unit: "MB",
      runs: 1,
      note: `after Cancel: ${Math.round(plain.afterCancel / MB)} MB`,
    },
  ];
}
