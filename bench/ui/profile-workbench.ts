// Where a workbench Run's time goes, message by message, in real Chromium: the runs opened (seven names
// for one file, as the 7 × 50M matrix does), then `RUNS` Runs of the #10 query, each timed as
// bench/ui/duckdb-figures.ts times it (click to the answer painted). The page logs every message it posts
// to DuckDB's engine and every one it receives (performance.timeOrigin + now); the shared engine's
// one-round-trip answer carries the engine's own clock (when it took the query, when it answered). Printed:
// per phase, the median and p95 over the Runs, the round trips per Run, and the 5 slowest Runs in full.
//
//   npx tsx bench/ui/profile-workbench.ts [FILE.arrow] [--runs=50] [--copies=7] [--dedicated]
//   (builds the app unless TICKSCOPE_BENCH_NO_BUILD=1; FILE defaults to the UI bench's 1M tick run;
//   --dedicated takes SharedWorker away, so the page falls back to a dedicated worker)
import { linkSync, mkdirSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "@playwright/test";
import { CHROMIUM_LAUNCH } from "../../playwright.config";
import { ENGINE_ANSWER, ENGINE_STATE } from "../../lib/db/duckdb-worker";
import { ensureTickRun } from "./generate";
import { startApp } from "./server";
import { installPaintTiming, workbenchRun } from "./view-interactions";

const QUERY = "SELECT environment, max(max_overhead_ns) FROM runs GROUP BY 1";
const args = process.argv.slice(2);
const option = (name: string, fallback: number) =>
  Number(args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
const RUNS = option("runs", 50);
const COPIES = option("copies", 7);
const DEDICATED = args.includes("--dedicated");

/** Every message the page posts to a port or receives on one (the engine's port is the page's only one). */
const MESSAGE_LOG = `(() => {
  const log = (window.__messages = []);
  const seen = new WeakSet();
  const now = () => performance.timeOrigin + performance.now();
  const type = (data) => (data && typeof data.type === "string" ? data.type : null);
  for (const kind of [MessagePort, Worker]) {
  const post = kind.prototype.postMessage;
  kind.prototype.postMessage = function (message, transfer) {
    if (type(message)) log.push({ at: now(), dir: ">", type: type(message), via: kind.name });
    return post.call(this, message, transfer);
  };
  const add = EventTarget.prototype.addEventListener;
  kind.prototype.addEventListener = function (name, listener, options) {
    if (name !== "message") return add.call(this, name, listener, options);
    const logged = (event) => {
      const data = event.data;
      if (type(data) && !seen.has(event) && seen.add(event)) log.push({ at: now(), dir: "<", type: type(data), received: data.received, answered: data.answered });
      return typeof listener === "function" ? listener.call(this, event) : listener.handleEvent(event);
    };
    return add.call(this, name, logged, options);
  };
  }
})();`;

interface Logged {
  at: number;
  via?: string;
  dir: ">" | "<";
  type: string;
  received?: number;
  answered?: number;
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor((v.length - 1) / 2)] ?? NaN;
const p95 = (v: number[]) => [...v].sort((a, b) => a - b)[Math.ceil(v.length * 0.95) - 1] ?? NaN;
const fmt = (v: number[]) => `median ${median(v).toFixed(1)}, p95 ${p95(v).toFixed(1)}`;

async function main() {
  const dir = join(tmpdir(), "tickscope-ui-bench");
  mkdirSync(dir, { recursive: true });
  const file = args.find((a) => !a.startsWith("--")) ?? join(dir, "tick-1M.arrow");
  if (!args.some((a) => !a.startsWith("--"))) ensureTickRun(file, 1_000_000);
  const files = Array.from({ length: COPIES }, (_, i) => {
    const path = join(dir, `profile-workbench-${i + 1}.arrow`);
    rmSync(path, { force: true });
    linkSync(file, path);
    return path;
  });
  const app = await startApp();
  const browser = await chromium.launch(CHROMIUM_LAUNCH);
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.addInitScript("window.__name = (fn) => fn;");
    await page.addInitScript(MESSAGE_LOG);
    if (DEDICATED) await page.addInitScript("delete window.SharedWorker;");
    await page.goto(app.url);
    await page.locator('[data-testid="duckdb-status"][data-state="ready"]').waitFor({ timeout: 120_000 });
    await page.getByTestId("open-files").setInputFiles(files);
    await page
      .locator('[data-testid="run-row"][data-state="ready"]')
      .nth(COPIES - 1)
      .waitFor({ timeout: 900_000 });
    await page.locator(`[data-testid="duckdb-tables"] [data-table="runs"][data-rows="${COPIES}"]`).waitFor();
    await installPaintTiming(page);
    await page.getByRole("tab", { name: "SQL" }).click();
    await page.getByTestId("sql-run").and(page.locator(":enabled")).waitFor();
    await page.locator(".cm-content").click();
    await page.keyboard.press("ControlOrMeta+A");
    await page.keyboard.press("Delete");
    await page.keyboard.insertText(QUERY);
    await workbenchRun(page);
    const loadBefore = loadavg()[0];
    const rows: {
      total: number;
      own: number;
      frames: number;
      trips: number;
      phases: Record<string, number>;
      trace: string;
    }[] = [];
    for (let i = 0; i < RUNS; i++) {
      await page.evaluate(
        () => void ((window as unknown as { __messages: unknown[] }).__messages.length = 0),
      );
      const timed = await workbenchRun(page, i);
      const { log, clickAt } = await page.evaluate(
        (i) => ({
          log: (window as unknown as { __messages: Logged[] }).__messages,
          clickAt: performance.timeOrigin + performance.getEntriesByName(`profile:start:${i}`)[0].startTime,
        }),
        i,
      );
      const messages = log.filter((m) => m.type !== ENGINE_STATE);
      const phases: Record<string, number> = {};
      const add = (name: string, ms: number) => (phases[name] = (phases[name] ?? 0) + ms);
      let last = clickAt;
      const trace: string[] = [];
      for (const m of messages) {
        const gap = m.at - last;
        if (m.dir === ">") add("page: before posting", gap);
        else if (m.type === ENGINE_ANSWER && m.received && m.answered) {
          add("to the engine", m.received - last);
          add("engine: query", m.answered - m.received);
          add("back to the page", m.at - m.answered);
        } else add(`engine round trip (${m.type})`, gap);
        trace.push(`${m.dir}${m.type}${m.via === "Worker" ? " (dedicated worker)" : ""} +${gap.toFixed(1)}`);
        last = m.at;
      }
      const paintedAt = clickAt + timed.painted;
      add("page: answer to painted", paintedAt - last);
      rows.push({
        total: timed.painted,
        own: timed.own,
        frames: timed.frames,
        trips: messages.filter((m) => m.dir === ">").length,
        phases,
        trace: `${trace.join(" ")} → painted +${(paintedAt - last).toFixed(1)}`,
      });
    }
    const loadAfter = loadavg()[0];
    const names = [...new Set(rows.flatMap((r) => Object.keys(r.phases)))];
    console.log(
      `${RUNS} Runs of \`${QUERY}\` over ${COPIES} runs of ${file} (load ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after)`,
    );
    console.log(
      `click to painted: ${fmt(rows.map((r) => r.total))} ms; frames ${fmt(rows.map((r) => r.frames))}`,
    );
    console.log(`query's own (as the workbench says it): ${fmt(rows.map((r) => r.own))} ms`);
    console.log(`messages posted to the engine per Run: ${fmt(rows.map((r) => r.trips))}`);
    for (const name of names) console.log(`  ${name}: ${fmt(rows.map((r) => r.phases[name] ?? 0))} ms`);
    console.log("slowest 5:");
    for (const r of [...rows].sort((a, b) => b.total - a.total).slice(0, 5))
      console.log(`  ${r.total.toFixed(1)} ms, frame ${r.frames}: ${r.trace}`);
  } finally {
    await browser.close();
    app.stop();
    for (const path of files) rmSync(path, { force: true });
  }
}

void main();
