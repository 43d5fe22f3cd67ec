// Profiles the timeline's 70-step zoom/pan sequence (the one bench/suites/ui.bench.ts times) on one run
// file, in real Chromium: a CPU profile of the page and of the run workers, a Chrome trace of the page's
// main thread, and per step the time from the key to the window request, the worker's round trip (the
// request posted to its answer arriving, the structured clone included), the answer to the chart's new
// data (React), and the chart's data to the second frame after it (ECharts' setOption, layout, paint).
//
//   npx tsx bench/ui/profile-zoom.ts FILE.arrow|BUNDLE_DIR [OUT_DIR]   (builds the app unless TICKSCOPE_BENCH_NO_BUILD=1)
//
// TICKSCOPE_PROFILE_COLD=1 profiles the sequence as the bench runs it: at once after the run is ready, with
// no warm-up pass, so that what the page still does after opening (and the first zooms' compiling) shows.
//
// Written in the .cpuprofile/.json files under OUT_DIR (open them in Chrome DevTools' Performance panel).
//
// Where the time went on main before #13 (10M samples, 70 steps, second pass, load average ~7 on 2 vCPUs):
// input to picture median 36.5 ms, p95 66.6 ms. Key to window request 2.5 ms (React, the whole dashboard
// re-rendered through the URL state); worker round trip 5.2 ms median, 13.4 p95 (the M4 itself ~0.3 ms,
// the worker busy 2.5 ms a step, the transfer of the typed arrays negligible); answer to committed data
// 2.2 ms (React); then ECharts: setOption 16 ms a step (1135 ms of 70 steps: its update pipeline 661 ms,
// the option merge 165 ms, zrender's paint 284 ms), React 2.7 ms a step, style/layout/paint ~2.7 ms a
// step (trace), and the frames the bench waits (two after the data) at least 16.7 ms.
// After (samples on a canvas layer, ECharts updated once per answer with no series data): ECharts is still
// ~10-15 ms of each exact picture (its pipeline for axes, slider, marks), the layer's draw under 1 ms.
// #13, axes, legend and marks on a canvas too, ECharts' option free of the window (1M, load ~4, warm):
// input to exact picture median 37 → 49 ms and p95 64 → 134 ms measured at load 10 (not comparable);
// ECharts' chunk self time 870 → 434 ms over the 70 steps; drawAxes ~0.3 ms a step. Cold (as the bench,
// TICKSCOPE_PROFILE_COLD=1, load ~10): the worker's raw answers spent 183 of its 414 ms scanning whole
// batches for a window's points (now a binary search), and the long tasks were React's step renders
// run inside the bench's rAF callbacks, twice with a major GC in them.
// #13, where each frame went (trace of step 20, a "+", 1M, warm, load ~7 both; `TimeStamp`s mark the
// step, the exact picture seen, the bench's first and second rAF; /tmp analysis, not kept):
//   before (React drew the picture): the key was dispatched in the bench's own rAF callback; React
//   rendered the panel (10.8 ms) and posted the window request from its passive effect at 11 ms; the
//   worker answered in 1 ms, but the main thread was rendering the key's frame (layout 2, paint 2.5,
//   commit 3.7 ms) until 26 ms; the answer was handled at 27 ms, React rendered it in a scheduler task at
//   29 ms and set data-drawn, and drew the canvas in its passive effects at 40 ms, a task later still;
//   the frame holding it committed at ~97 ms, the bench's second rAF at 107 ms. Median key to the commit
//   of the exact picture's frame over the 70 steps: 57.8 ms, p95 148.6.
//   after (TimelinePainter): the key's handler draws and posts the request in its own task (the worker
//   has it at 1.3 ms and answers at 2.2); the key's frame renders until 10 ms (commit 3.6 ms); the answer
//   is drawn as it is handled, at 10.4-12.9 ms; React's render of the text after it takes 2.2 ms; the next
//   frame commits at 22 ms; the old measure's second rAF comes at 34 ms. Median key to the commit of the
//   exact picture's frame: 33.1 ms, p95 78.6. So: (a) no frame between the key and the first picture;
//   (b) the exact picture is in the first frame that starts after the answer (the same frame when the
//   worker answers before it begins); (c) the bench's two rAFs added up to a frame on top.
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { chromium, type CDPSession } from "@playwright/test";
import { CHROMIUM_LAUNCH } from "../../playwright.config";
import { startApp } from "./server";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}
interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { name?: string };
}

// tsx compiles with esbuild's keepNames, whose __name helper does not exist in the page.
const NAME_SHIM = "window.__name = (fn) => fn;";
const COLD = process.env.TICKSCOPE_PROFILE_COLD === "1";

const LONG_TASKS = `window.__longTasks = [];
new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push(e.duration); })
  .observe({ type: "longtask" });`;

/** Notes when each window request leaves the page and when its answer arrives (wrapping Worker). */
const WORKER_TIMES = `${NAME_SHIM}
window.__zoomLog = [];
const Base = window.Worker;
window.Worker = class extends Base {
  constructor(...args) {
    super(...args);
    this.addEventListener("message", (e) => {
      if (e.data && e.data.type === "window") window.__zoomLog.push(["answer", performance.now(), e.data.seq]);
    });
  }
  postMessage(message, transfer) {
    if (message && message.type === "window") window.__zoomLog.push(["ask", performance.now(), message.seq]);
    return super.postMessage(message, transfer);
  }
};`;

interface Step {
  key: string;
  ms: number;
  ask: number | null;
  answer: number | null;
  drawn: number;
}

/** The bench's sequence, noting per step when the request left, the answer came and the chart changed. */
async function zoomSteps(page: import("@playwright/test").Page): Promise<Step[]> {
  return page.evaluate(async () => {
    const log = (window as unknown as { __zoomLog: [string, number, number][] }).__zoomLog;
    const chart = document.querySelector<HTMLElement>('[data-testid="timeline-chart"]')!;
    chart.focus();
    const frame = () => new Promise((r) => requestAnimationFrame(() => r(null)));
    let drawnAt = 0;
    new MutationObserver(() => (drawnAt = performance.now())).observe(chart, {
      attributes: true,
      attributeFilter: ["data-drawn"],
    });
    const steps: Step[] = [];
    const keys = [
      ...Array(30).fill("+"),
      ...Array(10).fill("ArrowRight"),
      ...Array(20).fill("-"),
      ...Array(10).fill("ArrowLeft"),
    ];
    for (const key of keys) {
      const before = chart.getAttribute("data-drawn");
      const from = log.length;
      console.timeStamp(`step ${steps.length} ${key}`);
      const start = performance.now();
      chart.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true }));
      const deadline = start + 10_000;
      while (chart.getAttribute("data-drawn") === before && performance.now() < deadline)
        await new Promise((r) => setTimeout(r, 0));
      if (chart.getAttribute("data-drawn") === before) continue;
      console.timeStamp(`exact seen ${steps.length}`);
      await frame();
      console.timeStamp(`first rAF ${steps.length}`);
      await frame();
      const ms = performance.now() - start;
      console.timeStamp(`end ${steps.length}`);
      const mine = log.slice(from);
      const ask = mine.find((e) => e[0] === "ask");
      const answer = mine.filter((e) => e[0] === "answer").pop();
      steps.push({
        key,
        ms,
        ask: ask ? ask[1] - start : null,
        answer: answer ? answer[1] - start : null,
        drawn: drawnAt - start,
      });
    }
    return steps;
  });
}

/** Self time per script file (ms), biggest first: which code the time went to. */
function selfTimeByFile(profile: Profile): { name: string; ms: number }[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const f = byId.get(profile.samples[i])!.callFrame;
    const name = f.url ? basename(f.url) : f.functionName || "(anonymous)";
    totals.set(name, (totals.get(name) ?? 0) + (profile.timeDeltas[i + 1] ?? 0) / 1000);
  }
  return [...totals.entries()].map(([name, ms]) => ({ name, ms })).sort((a, b) => b.ms - a.ms);
}

/** Self time per function (ms), biggest first, named with its file and line. */
function selfTimeByFunction(profile: Profile): { name: string; ms: number }[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const f = byId.get(profile.samples[i])!.callFrame;
    if (!f.url) continue;
    const name = `${f.functionName || "(anonymous)"} ${basename(f.url)}:${f.lineNumber + 1}`;
    totals.set(name, (totals.get(name) ?? 0) + (profile.timeDeltas[i + 1] ?? 0) / 1000);
  }
  return [...totals.entries()].map(([name, ms]) => ({ name, ms })).sort((a, b) => b.ms - a.ms);
}

/** Which library a page chunk holds, from strings only it carries. */
async function chunkLibraries(urls: string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const url of urls) {
    if (!url.startsWith("http")) continue;
    const text = await (await fetch(url)).text();
    const names = [
      /_echarts_instance_|zrender/.test(text) ? "echarts" : "",
      /__reactFiber|react-dom|ReactDOM/.test(text) ? "react-dom" : "",
      /timeline-chart/.test(text) ? "tickscope" : "",
      /apache-arrow|RecordBatch/.test(text) ? "arrow" : "",
    ].filter(Boolean);
    found.set(basename(url), names.join("+") || "?");
  }
  return found;
}

/** Main-thread time per trace event name inside the steps (top-level slices only). */
function traceBreakdown(events: TraceEvent[]): Map<string, number> {
  const main = events.find((e) => e.name === "thread_name" && e.args?.name === "CrRendererMain");
  const names = [
    "FunctionCall",
    "EventDispatch",
    "TimerFire",
    "FireAnimationFrame",
    "RunMicrotasks",
    "UpdateLayoutTree",
    "Layout",
    "PrePaint",
    "Paint",
    "Layerize",
    "Commit",
    "ParseHTML",
    "MinorGC",
    "MajorGC",
    "V8.GC_SCAVENGER",
  ];
  const totals = new Map<string, number>();
  const slices = events
    .filter((e) => main && e.pid === main.pid && e.tid === main.tid && e.ph === "X" && names.includes(e.name))
    .sort((a, b) => a.ts - b.ts);
  // Only outermost slices of each name, so that nested calls are not counted twice.
  const openUntil = new Map<string, number>();
  for (const e of slices) {
    if ((openUntil.get(e.name) ?? -1) > e.ts) continue;
    openUntil.set(e.name, e.ts + (e.dur ?? 0));
    totals.set(e.name, (totals.get(e.name) ?? 0) + (e.dur ?? 0) / 1000);
  }
  return totals;
}

const p = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * q) - 1)] ?? NaN;
};

async function main() {
  const [file, outDir = "profile-results"] = process.argv.slice(2);
  if (!file) throw new Error("usage: tsx bench/ui/profile-zoom.ts FILE.arrow|BUNDLE_DIR [OUT_DIR]");
  mkdirSync(outDir, { recursive: true });
  const app = await startApp();
  const browser = await chromium.launch(CHROMIUM_LAUNCH);
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.addInitScript(WORKER_TIMES);
    await page.addInitScript(LONG_TASKS);
    await page.goto(app.url);
    await page
      .getByTestId("duckdb-status")
      .and(page.locator('[data-state="ready"]'))
      .waitFor({ timeout: 120_000 });
    const cdp: CDPSession = await page.context().newCDPSession(page);
    const workerSessions: string[] = [];
    const waits = new Map<number, (r: unknown) => void>();
    let nextId = 1;
    cdp.on("Target.attachedToTarget", (event) => {
      if (event.targetInfo.type === "worker") workerSessions.push(event.sessionId);
      void cdp.send("Target.sendMessageToTarget", {
        sessionId: event.sessionId,
        message: JSON.stringify({ id: 0, method: "Runtime.runIfWaitingForDebugger" }),
      });
    });
    cdp.on("Target.receivedMessageFromTarget", (event) => {
      const message = JSON.parse(event.message) as { id?: number; result?: unknown };
      if (message.id) waits.get(message.id)?.(message.result);
    });
    const toWorker = <T>(sessionId: string, method: string, params: object = {}) =>
      new Promise<T>((resolve) => {
        const id = nextId++;
        waits.set(id, resolve as (r: unknown) => void);
        void cdp.send("Target.sendMessageToTarget", {
          sessionId,
          message: JSON.stringify({ id, method, params }),
        });
      });
    await cdp.send("Target.setAutoAttach", {
      autoAttach: true,
      waitForDebuggerOnStart: false,
      flatten: false,
    });

    // A bundle folder (the 24 h run with its saved summary) is chosen as a folder, a run file as a file.
    await page.getByTestId(statSync(file).isDirectory() ? "open-folder" : "open-files").setInputFiles(file);
    await page.locator('[data-testid="run-row"][data-state="ready"]').waitFor({ timeout: 600_000 });
    await page.locator('[data-testid="panel-timeline"][data-state="ready"]').waitFor({ timeout: 600_000 });
    if (!COLD) {
      await page.waitForTimeout(1000);
      // Warm-up pass (the first zoom of each kind compiles code), then the measured pass with profiles.
      await zoomSteps(page);
      await page.keyboard.press("Home");
      await page.waitForTimeout(500);
    }
    await page.evaluate(() => ((window as unknown as { __longTasks: number[] }).__longTasks.length = 0));

    for (const id of workerSessions) {
      await toWorker(id, "Profiler.enable");
      await toWorker(id, "Profiler.setSamplingInterval", { interval: 200 });
      await toWorker(id, "Profiler.start");
    }
    await cdp.send("Profiler.enable");
    await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
    await cdp.send("Profiler.start");
    await browser.startTracing(page, {
      categories: [
        "devtools.timeline",
        "disabled-by-default-devtools.timeline",
        "disabled-by-default-devtools.timeline.frame",
        "blink.user_timing",
        "v8.execute",
        "v8",
      ],
    });
    const started = Date.now();
    const steps = await zoomSteps(page);
    const wall = Date.now() - started;
    const trace = JSON.parse((await browser.stopTracing()).toString()) as { traceEvents: TraceEvent[] };
    writeFileSync(join(outDir, "zoom-trace.json"), JSON.stringify(trace));
    const { profile: pageProfile } = (await cdp.send("Profiler.stop")) as unknown as { profile: Profile };
    writeFileSync(join(outDir, "zoom-page.cpuprofile"), JSON.stringify(pageProfile));

    const col = (pick: (s: Step) => number | null) => steps.map(pick).filter((v): v is number => v !== null);
    const row = (name: string, values: number[]) =>
      console.log(
        `${name.padEnd(46)} median ${p(values, 0.5).toFixed(1).padStart(6)} ms  p95 ${p(values, 0.95).toFixed(1).padStart(6)} ms  sum ${values
          .reduce((a, b) => a + b, 0)
          .toFixed(0)
          .padStart(6)} ms`,
      );
    console.log(`${basename(file)}: ${steps.length} steps in ${wall} ms`);
    row(
      "input to new picture (as the bench)",
      col((s) => s.ms),
    );
    row(
      "key to window request (React, dashboard)",
      col((s) => s.ask),
    );
    row(
      "request to answer (worker round trip)",
      col((s) => (s.ask !== null && s.answer !== null ? s.answer - s.ask : null)),
    );
    row(
      "answer to chart data (React render)",
      col((s) => (s.answer !== null ? s.drawn - s.answer : null)),
    );
    row(
      "chart data to 2nd frame (setOption, paint)",
      col((s) => s.ms - s.drawn),
    );

    console.log(
      "per step, key: request to answer (ms)",
      steps.map((s) => `${s.key[0]}${s.ask !== null && s.answer !== null ? (s.answer - s.ask).toFixed(0) : "-"}`).join(" "),
    );

    console.log("\npage main thread during the sequence (trace, top-level slices):");
    const breakdown = [...traceBreakdown(trace.traceEvents).entries()].sort((a, b) => b[1] - a[1]);
    for (const [name, ms] of breakdown) console.log(`${ms.toFixed(1).padStart(9)} ms  ${name}`);

    const longTasks = await page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks);
    console.log(
      `\nlong tasks during the sequence: ${longTasks.length} (${longTasks.map((ms) => Math.round(ms)).join(", ")} ms)`,
    );
    console.log("\npage JS self time by function (CPU profile):");
    for (const r of selfTimeByFunction(pageProfile).slice(0, 16))
      console.log(`${r.ms.toFixed(1).padStart(9)} ms  ${r.name}`);

    const files = selfTimeByFile(pageProfile);
    const libraries = await chunkLibraries(
      [...new Set(pageProfile.nodes.map((n) => n.callFrame.url))].filter(Boolean),
    );
    console.log("\npage JS self time by file (CPU profile):");
    for (const r of files.slice(0, 14))
      console.log(`${r.ms.toFixed(1).padStart(9)} ms  ${r.name} ${libraries.get(r.name) ?? ""}`);
    let i = 0;
    for (const id of workerSessions) {
      const result = await toWorker<{ profile?: Profile }>(id, "Profiler.stop");
      if (!result?.profile) continue;
      writeFileSync(join(outDir, `zoom-worker-${i}.cpuprofile`), JSON.stringify(result.profile));
      const busy = selfTimeByFile(result.profile).filter(
        (r) => r.name !== "(idle)" && r.name !== "(program)",
      );
      console.log(`\nworker ${i++}, busy ${busy.reduce((a, r) => a + r.ms, 0).toFixed(0)} ms, by file:`);
      for (const r of busy.slice(0, 6)) console.log(`${r.ms.toFixed(1).padStart(9)} ms  ${r.name}`);
    }
  } finally {
    await browser.close();
    app.stop();
  }
}

await main();
