// Where the time of #10's two interactive figures goes, in real Chromium on the 7 × 50M matrix: a
// Chromium trace (open it in DevTools' Performance panel or https://ui.perfetto.dev, offline: it is a
// file) of Comparison re-renders (a change of statistic, a change of reference) and of workbench Run
// clicks, each timed as bench/ui/duckdb-figures.ts times it (to the paint after the change); printed per interaction, the main thread's
// and DuckDB's worker's busy time by kind of work between the input and the frame after it painted.
//
//   npx tsx bench/ui/profile-views.ts FILE.arrow [OUT_DIR]   (builds the app unless TICKSCOPE_BENCH_NO_BUILD=1)
import { linkSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "@playwright/test";
import { CHROMIUM_LAUNCH } from "../../playwright.config";
import { startApp } from "./server";
import type { TraceEvent } from "./trace-phases";
import { comparisonChange, comparisonChoices, installPaintTiming, workbenchRun } from "./view-interactions";

const CATEGORIES = [
  "devtools.timeline",
  "disabled-by-default-devtools.timeline",
  "disabled-by-default-devtools.timeline.frame",
  "blink.user_timing",
  "v8.execute",
  "toplevel",
].join(",");

/** Busy time (ms) per thread and top-level event name between two trace timestamps (µs). */
function busy(events: TraceEvent[], threads: Map<string, string>, from: number, to: number) {
  const byThread = new Map<string, Map<string, number>>();
  // Only the outermost complete events of each thread count (no double counting of nested ones).
  const sorted = events
    .filter((e) => e.ph === "X" && e.dur !== undefined && e.ts < to && e.ts + e.dur! > from)
    .sort((a, b) => a.ts - b.ts);
  const openUntil = new Map<string, number>();
  for (const e of sorted) {
    const thread = threads.get(`${e.pid}:${e.tid}`);
    if (!thread) continue;
    const key = `${e.pid}:${e.tid}`;
    if ((openUntil.get(key) ?? 0) > e.ts) continue;
    openUntil.set(key, e.ts + e.dur!);
    const ms = (Math.min(to, e.ts + e.dur!) - Math.max(from, e.ts)) / 1000;
    const names = byThread.get(thread) ?? new Map<string, number>();
    byThread.set(thread, names);
    names.set(e.name, (names.get(e.name) ?? 0) + ms);
  }
  return byThread;
}

/** The named inner events (user-timing measures, V8 function calls, layout, paint) within the span. */
function inner(events: TraceEvent[], threads: Map<string, string>, from: number, to: number) {
  const totals = new Map<string, number>();
  for (const e of events) {
    if (e.ph !== "X" || e.dur === undefined || e.ts < from || e.ts > to) continue;
    const thread = threads.get(`${e.pid}:${e.tid}`);
    if (!thread) continue;
    const wanted = [
      "Layout",
      "Paint",
      "UpdateLayoutTree",
      "PrePaint",
      "Commit",
      "MinorGC",
      "MajorGC",
      "V8.GC_SCAVENGER",
      "RunMicrotasks",
      "TimerFire",
      "FireAnimationFrame",
      "EventDispatch",
      "ParseHTML",
    ];
    if (!wanted.includes(e.name)) continue;
    const key = `${thread}: ${e.name}`;
    totals.set(key, (totals.get(key) ?? 0) + e.dur / 1000);
  }
  return totals;
}

async function main() {
  const [file, outDir = "/tmp/profile-views"] = process.argv.slice(2);
  if (!file) throw new Error("usage: tsx bench/ui/profile-views.ts FILE.arrow [OUT_DIR]");
  mkdirSync(outDir, { recursive: true });
  const files = Array.from({ length: 7 }, (_, i) => {
    const path = join(outDir, `matrix-${i + 1}.arrow`);
    rmSync(path, { force: true });
    linkSync(file, path);
    return path;
  });
  const app = await startApp();
  const browser = await chromium.launch(CHROMIUM_LAUNCH);
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.addInitScript("window.__name = (fn) => fn;");
    await page.goto(app.url);
    await installPaintTiming(page);
    await page.locator('[data-testid="duckdb-status"][data-state="ready"]').waitFor({ timeout: 120_000 });
    await page.getByTestId("open-files").setInputFiles(files);
    await page.locator('[data-testid="run-row"][data-state="ready"]').nth(6).waitFor({ timeout: 900_000 });
    await page.locator('[data-testid="duckdb-tables"] [data-table="runs"][data-rows="7"]').waitFor();
    await page.getByRole("tab", { name: "Comparison" }).click();
    await page.locator('[data-testid="panel-comparison"][data-state="ready"]').waitFor();
    const { statistics, references } = await comparisonChoices(page);
    // Warm-up (JIT, the queries' first plans), untraced.
    for (let i = 0; i < 6; i++)
      await comparisonChange(page, "Statistic", statistics[(i + 1) % statistics.length], -1);

    const cdp = await page.context().newCDPSession(page);
    const events: TraceEvent[] = [];
    cdp.on("Tracing.dataCollected", (e) => events.push(...(e.value as unknown as TraceEvent[])));
    await cdp.send("Tracing.start", { categories: CATEGORIES, transferMode: "ReportEvents" });
    const labels: string[] = [];
    const ms: number[] = [];
    const frames: number[] = [];
    let n = 0;
    for (let i = 0; i < 8; i++) {
      const statistic = statistics[(i + 1) % statistics.length];
      labels.push(`statistic → ${statistic}`);
      const byStatistic = await comparisonChange(page, "Statistic", statistic, n++);
      ms.push(byStatistic.painted);
      frames.push(byStatistic.frames);
      const reference = i % 2 ? "" : (references[(i % (references.length - 1)) + 1] ?? "");
      labels.push(`reference → ${reference || "none"}`);
      const byReference = await comparisonChange(page, "Ratios to", reference, n++);
      ms.push(byReference.painted);
      frames.push(byReference.frames);
    }
    await page.getByRole("tab", { name: "SQL" }).click();
    await page.getByTestId("sql-run").and(page.locator(":enabled")).waitFor();
    await page.locator(".cm-content").click();
    await page.keyboard.press("ControlOrMeta+A");
    await page.keyboard.press("Delete");
    await page.keyboard.insertText("SELECT environment, max(max_overhead_ns) FROM runs GROUP BY 1");
    await workbenchRun(page, -1);
    for (let i = 0; i < 8; i++) {
      labels.push("workbench Run");
      const run = await workbenchRun(page, n++);
      ms.push(run.painted);
      frames.push(run.frames);
    }
    const traced = new Promise((resolve) => cdp.once("Tracing.tracingComplete", resolve));
    await cdp.send("Tracing.end");
    await traced;
    const tracePath = join(outDir, "views.trace.json");
    writeFileSync(tracePath, JSON.stringify({ traceEvents: events }));

    const threads = new Map<string, string>();
    for (const e of events)
      if (e.ph === "M" && e.name === "thread_name" && e.args?.name) {
        const name = e.args.name;
        if (name === "CrRendererMain" || name.startsWith("DedicatedWorker") || name === "Compositor")
          threads.set(`${e.pid}:${e.tid}`, name);
      }
    const mark = (name: string) =>
      events.find((e) => e.cat.includes("blink.user_timing") && e.name === name)?.ts;
    for (let i = 0; i < n; i++) {
      const from = mark(`profile:start:${i}`);
      const changed = mark(`profile:changed:${i}`);
      const to = mark(`profile:painted:${i}`);
      if (from === undefined || to === undefined || changed === undefined) continue;
      console.log(
        `\n${labels[i]}: ${ms[i].toFixed(1)} ms, painted in frame ${frames[i]} (changed after ${((changed - from) / 1000).toFixed(1)} ms, painted ${((to - changed) / 1000).toFixed(1)} ms later)`,
      );
      for (const [thread, names] of busy(events, threads, from, to)) {
        const total = [...names.values()].reduce((a, b) => a + b, 0);
        const top = [...names.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5);
        console.log(
          `  ${thread}: busy ${total.toFixed(1)} ms — ${top.map(([k, v]) => `${k} ${v.toFixed(1)}`).join(", ")}`,
        );
      }
      const details = [...inner(events, threads, from, to).entries()].filter(([, v]) => v >= 0.3);
      if (details.length)
        console.log(`  within: ${details.map(([k, v]) => `${k} ${v.toFixed(1)}`).join(", ")}`);
    }
    console.log(`\ntrace: ${tracePath}`);
  } finally {
    await browser.close();
    app.stop();
    for (const path of files) rmSync(path, { force: true });
  }
}

await main();
