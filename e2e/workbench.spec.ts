import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { strToU8, zipSync } from "fflate";
import { parseViewState } from "../lib/url/view-state";
import { buildBundle } from "../lib/format/testing/bundle";
import { encodeTickRun } from "./fixtures/bundles";
import { trueWorstOverhead, writeEmulatedTick } from "./fixtures/emulated-tick";
import { runAndWaitForAnswer } from "./fixtures/workbench";
import { watchForeignRequests } from "./offline";

// One tick run with a known worst spike, written once for the spec.
const dir = join("test-results", "workbench-fixtures");
const file = join(dir, "emulated-tick.arrow");
const WORST_QUERY = "SELECT max(max_overhead_ns) FROM runs";

test.beforeAll(() => {
  writeEmulatedTick(dir);
});

async function openWorkbench(page: Page, search = "") {
  await page.goto(`/${search}`);
  await page.getByTestId("open-files").setInputFiles([file]);
  await expect(page.locator('[data-testid="run-row"][data-state="ready"]')).toHaveCount(1);
  await page.getByRole("tab", { name: "SQL" }).click();
  await expect(page.getByTestId("sql-run")).toBeEnabled();
}

async function typeQuery(page: Page, sql: string) {
  // Focus, not a click: the completion list of the last query may cover the editor's middle.
  const editor = page.locator(".cm-content");
  await editor.focus();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(sql);
}

async function firstCell(page: Page) {
  await expect(page.getByTestId("sql-status")).toHaveAttribute("data-state", "done");
  return page.locator('[data-testid="sql-result-table"] [data-row="0"] [role="cell"]').first().innerText();
}

test("a query typed in the workbench gives the file's true worst overhead, with no CSP violation", async ({
  page,
  baseURL,
}) => {
  const foreign = watchForeignRequests(page, new URL(baseURL!).origin);
  const violations: string[] = [];
  page.on("console", (m) => /Content Security Policy/i.test(m.text()) && violations.push(m.text()));
  await openWorkbench(page);
  // The catalogue lists the contract's tables, read from DuckDB.
  await expect(page.getByTestId("sql-catalogue")).toContainText("max_overhead_ns");
  await typeQuery(page, WORST_QUERY);
  // The run's rows reach the tables just after it opens: until then the answer is NULL.
  let shown = NaN;
  await expect(async () => {
    await page.locator(".cm-content").focus();
    await page.keyboard.press("ControlOrMeta+Enter");
    shown = Number(await firstCell(page));
    expect(Number.isFinite(shown)).toBe(true);
  }).toPass({ timeout: 30_000 });
  expect(Math.abs(shown - trueWorstOverhead(file))).toBeLessThanOrEqual(1);
  await expect(page.getByTestId("sql-count")).toContainText("1 row");
  // CodeMirror's injected styles apply under the page's CSP: keywords are highlighted.
  const keyword = page.locator(".cm-content span", { hasText: /^SELECT$/ }).first();
  await expect(keyword).toBeVisible();
  expect(await keyword.evaluate((el) => getComputedStyle(el).color)).not.toBe(
    await page.locator(".cm-content").evaluate((el) => getComputedStyle(el).color),
  );
  expect(violations).toEqual([]);
  expect(foreign).toEqual([]);
});

test("a long answer: the rows shown are capped and counted, the table draws only what is in view, a chart is drawn and CSV holds the rows kept", async ({
  page,
}) => {
  await openWorkbench(page);
  await typeQuery(page, "SELECT range AS i, range * 2 AS twice FROM range(150000)");
  await runAndWaitForAnswer(page);
  await expect(page.getByTestId("sql-count")).toContainText("Showing the first 100,000 of 150,000 rows");
  const rows = page.locator('[data-testid="sql-result-table"] [data-row]');
  expect(await rows.count()).toBeGreaterThan(0);
  expect(await rows.count()).toBeLessThan(200);
  // A number column and a numeric one: the chart is drawn, by ECharts (its canvas).
  await expect(page.getByTestId("sql-chart").locator("canvas").first()).toBeVisible();
  const download = page.waitForEvent("download");
  await page.getByTestId("sql-csv").click();
  const lines = readFileSync((await (await download).path())!, "utf8").split("\r\n");
  expect(lines[0]).toBe("i,twice");
  expect(lines[1]).toBe("0,0");
  expect(lines[100_000]).toBe("99999,199998");
  expect(lines.filter((line) => line !== "")).toHaveLength(100_001);
  // One row is a table's answer, not a chart's.
  await typeQuery(page, "SELECT 6 * 7 AS answer, 1.5 AS x");
  await runAndWaitForAnswer(page);
  await expect(page.getByTestId("sql-chart")).toHaveCount(0);
});

async function sharedResult(browser: Browser, link: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await openWorkbench(page, link);
  await expect(page.locator(".cm-content")).toHaveText(WORST_QUERY);
  // Shown, not run: nothing ran by the time the engine and the run are ready.
  await page.waitForTimeout(1000);
  await expect(page.getByTestId("sql-status")).toHaveAttribute("data-state", "idle");
  await expect(page.getByTestId("sql-result-table")).toHaveCount(0);
  await page.getByTestId("sql-run").click();
  const value = await firstCell(page);
  await context.close();
  return value;
}

test("a query in a link is shown but runs only on a click, with the same result in a fresh context", async ({
  page,
  browser,
}) => {
  await openWorkbench(page);
  await typeQuery(page, WORST_QUERY);
  await page.getByTestId("sql-run").click();
  const here = await firstCell(page);
  // A real answer (not NULL from tables that are still empty), so that "the same result" means something.
  expect(Number.isFinite(Number(here))).toBe(true);
  await expect.poll(() => parseViewState(new URL(page.url()).search).sql).toBe(WORST_QUERY);
  const link = new URL(page.url()).search;
  expect(parseViewState(link).panel).toBe("workbench");
  expect(await sharedResult(browser, link)).toBe(here);
});

test("files, the network and extensions are refused with a clear message", async ({ page }) => {
  await openWorkbench(page);
  // Each refusal is its own query's answer, not the last one's still on screen.
  for (const [sql, why] of [
    ["SELECT * FROM read_csv('http://127.0.0.1:1/x')", /Permission Error|external access/i],
    ["INSTALL httpfs", /INSTALL.*is refused/],
  ] as const) {
    await typeQuery(page, sql);
    await runAndWaitForAnswer(page);
    const error = page.getByTestId("sql-error");
    await expect(error).toBeVisible();
    await expect(error).toContainText(why);
    await expect(error).toContainText("files, the network and extensions are switched off");
  }
});

test("a syntax error shows DuckDB's message and where it is", async ({ page }) => {
  await openWorkbench(page);
  await typeQuery(page, "SELECT max(max_overhead_ns)\nFROM runs\nWHERE");
  await page.getByTestId("sql-run").click();
  await expect(page.getByTestId("sql-error")).toContainText(/Parser Error: syntax error at end of input/);
  await expect(page.getByTestId("sql-error-position")).toHaveText(/^line 3, column \d+$/);
});

test("a long query can be cancelled and the views keep working", async ({ page }) => {
  await openWorkbench(page);
  await typeQuery(page, "SELECT sum(range % 7) FROM range(5000000000)");
  await page.getByTestId("sql-run").click();
  await expect(page.getByTestId("sql-status")).toHaveAttribute("data-state", "running");
  // The page answers while the query runs: another tab opens and draws.
  await page.getByRole("tab", { name: "Timeline" }).click();
  await expect(page.getByTestId("panel-timeline")).toHaveAttribute("data-state", "ready");
  await page.getByRole("tab", { name: "SQL" }).click();
  await page.getByTestId("sql-cancel").click();
  await expect(page.getByTestId("sql-status")).toHaveAttribute("data-state", "cancelled", {
    timeout: 15_000,
  });
  // The engine answers the next query, and the views still draw.
  await typeQuery(page, "SELECT 6 * 7 AS answer");
  await page.getByTestId("sql-run").click();
  expect(await firstCell(page)).toBe("42");
  await page.getByRole("tab", { name: "Distributions" }).click();
  await expect(page.getByTestId("panel-distribution")).toHaveAttribute("data-state", "ready");
});

test("without SharedWorker (a dedicated worker), a query answers, a long one can be cancelled, and the engine answers again", async ({
  page,
}) => {
  await page.addInitScript(() => Reflect.deleteProperty(window, "SharedWorker"));
  await openWorkbench(page);
  await expect(page.getByTestId("duckdb-engine")).toHaveAttribute("data-engine", "started");
  await typeQuery(page, "SELECT sum(range % 7) FROM range(5000000000)");
  await page.getByTestId("sql-run").click();
  await expect(page.getByTestId("sql-status")).toHaveAttribute("data-state", "running");
  await page.getByTestId("sql-cancel").click();
  await expect(page.getByTestId("sql-status")).toHaveAttribute("data-state", "cancelled", {
    timeout: 15_000,
  });
  await typeQuery(page, WORST_QUERY);
  await expect(async () => {
    await runAndWaitForAnswer(page);
    expect(Number.isFinite(Number(await firstCell(page)))).toBe(true);
  }).toPass({ timeout: 30_000 });
  expect(Math.abs(Number(await firstCell(page)) - trueWorstOverhead(file))).toBeLessThanOrEqual(1);
});

test("a new query while one runs cancels it, and only the new query's answer is shown", async ({ page }) => {
  await openWorkbench(page);
  await typeQuery(page, "SELECT sum(range % 7) AS slow FROM range(5000000000)");
  await page.getByTestId("sql-run").click();
  await expect(page.getByTestId("sql-status")).toHaveAttribute("data-state", "running");
  await typeQuery(page, "SELECT 6 * 7 AS answer");
  await page.keyboard.press("ControlOrMeta+Enter");
  expect(await firstCell(page)).toBe("42");
  await expect(page.getByTestId("sql-result-table")).toContainText("answer");
  await expect(page.getByTestId("sql-result-table")).not.toContainText("slow");
  // The slow query was stopped, not left running behind the answer: the engine answers at once.
  await typeQuery(page, "SELECT 1 + 1 AS two");
  await page.getByTestId("sql-run").click();
  await expect(
    page.locator('[data-testid="sql-result-table"] [data-row="0"] [role="cell"]').first(),
  ).toHaveText("2", { timeout: 5_000 });
});

test("a run whose saved summary is corrupt opens its timeline; the workbench says which runs are not as their bundle held them, and why", async ({
  page,
}) => {
  const { bytes } = encodeTickRun({
    id: "kept",
    environment: "emulated",
    scenario: "idle",
    options: { samples: 60_000, worst: { atNs: 2.1e9, valueNs: 4_000_000 } },
  });
  const { files } = buildBundle({
    runs: [
      { id: "kept", bytes, test: "tick", fields: { environment: "emulated" } },
      { id: "broken", bytes: strToU8("ARROW1 and then nothing a run file holds"), test: "tick" },
    ],
  });
  const manifest = JSON.parse(new TextDecoder().decode(files["manifest.json"]));
  manifest.runs[0].summary = "runs/kept.summary";
  const zip = zipSync({
    ...files,
    "manifest.json": strToU8(JSON.stringify(manifest)),
    "runs/kept.summary": strToU8("not a summary at all"),
  });
  const path = join(dir, "corrupt-summary.zip");
  writeFileSync(path, zip);

  await page.goto("/");
  await page.getByTestId("open-files").setInputFiles([path]);
  await expect(page.locator('[data-testid="run-row"][data-state="ready"]')).toHaveCount(1);
  await expect(page.getByTestId("panel-timeline")).toHaveAttribute("data-state", "ready");
  await expect(page.getByTestId("worst-value")).toHaveText(/^4(\.0+)? ms$/);

  await page.getByRole("tab", { name: "SQL" }).click();
  const notes = page.getByTestId("sql-load-failures");
  await expect(notes.locator('[data-kind="resummarised"]')).toContainText(
    "runs/kept.summary: expected a tickscope summary",
  );
  await expect(notes.locator('[data-kind="absent"]')).toContainText("broken");
  await expect(notes.locator('[data-kind="absent"]')).toContainText("has no rows in the tables");
  // The tables agree: the kept run's rows (from its samples), none of the broken one's, and why.
  await typeQuery(
    page,
    "SELECT (SELECT count(*) FROM runs) AS runs, (SELECT count(*) FROM load_errors WHERE run_id LIKE '%broken') AS errors",
  );
  await expect(async () => {
    await page.getByTestId("sql-run").click();
    await expect(page.getByTestId("sql-status")).toHaveAttribute("data-state", "done");
    const cells = page.locator('[data-testid="sql-result-table"] [data-row="0"] [role="cell"]');
    expect([await cells.nth(0).innerText(), await cells.nth(1).innerText()]).toEqual(["1", "1"]);
  }).toPass({ timeout: 30_000 });
});
