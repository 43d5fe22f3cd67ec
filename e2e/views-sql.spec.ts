import { join } from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { trueWorstOverhead, writeEmulatedTick } from "./fixtures/emulated-tick";

// One tick run (a 1 ms tick of 8 µs, a stall every second) with a known worst sample, written once.
const dir = join("test-results", "views-sql-fixtures");
const file = join(dir, "emulated-tick.arrow");
const shots = process.env.TICKSCOPE_SHOTS;

test.beforeAll(() => {
  writeEmulatedTick(dir);
});

async function open(page: Page) {
  await page.goto("/");
  await page.getByTestId("open-files").setInputFiles([file]);
  await expect(page.locator('[data-testid="run-row"][data-state="ready"]')).toHaveCount(1);
}

async function shot(page: Page, name: string) {
  if (shots) await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

/**
 * The SQL button opens the view's query in the workbench: shown, not run (what the workbench showed
 * before stays), and run it answers with `rows`.
 */
async function openSql(page: Page, panel: string, table: string, rows: RegExp) {
  const status = page.getByTestId("sql-status");
  const before = (await status.count()) ? await status.getAttribute("data-state") : "idle";
  const count = page.getByTestId("sql-count");
  const shown = (await count.count()) ? await count.innerText() : null;
  await page.getByTestId(panel).getByTestId("open-sql").click();
  await expect(page.getByRole("tab", { name: "SQL" })).toHaveAttribute("aria-selected", "true");
  await expect(page.locator(".cm-content")).toContainText(`FROM ${table}`);
  await expect(status).toHaveAttribute("data-state", before ?? "idle");
  if (shown !== null) await expect(count).toHaveText(shown);
  // A quick answer replaces the last one without a "running" state between: wait for a new answer.
  const answers = await status.getAttribute("data-answer");
  await page.getByTestId("sql-run").click();
  await expect(status).not.toHaveAttribute("data-answer", answers!);
  await expect(count).toContainText(rows);
  await expect(status).toHaveAttribute("data-state", "done");
}

test("Comparison, the heat map and the tick's fold come from DuckDB; each SQL button shows its query unrun, and run it answers the same", async ({
  page,
}) => {
  await open(page);
  await page.getByRole("tab", { name: "Comparison" }).click();
  const comparison = page.getByTestId("panel-comparison");
  await comparison.getByTestId("value-kind").selectOption("overhead");
  await expect(comparison).toHaveAttribute("data-state", "ready");
  await expect(comparison.getByTestId("comparison-cell")).toHaveCount(1);
  await shot(page, "comparison");
  await openSql(page, "panel-comparison", "runs", /^1 row /);
  const header = await page.locator('[data-testid="sql-result-table"] [role="columnheader"]').allInnerTexts();
  const valueAt = header.findIndex((h) => h.trim().startsWith("value_ns"));
  const value = Number(
    (
      await page
        .locator('[data-testid="sql-result-table"] [data-row="0"] [role="cell"]')
        .nth(valueAt)
        .innerText()
    ).replaceAll(",", ""),
  );
  expect(Math.abs(value - trueWorstOverhead(file))).toBeLessThanOrEqual(1);
  await shot(page, "comparison-sql");

  await page.getByRole("tab", { name: "Periodic spikes" }).click();
  const spikes = page.getByTestId("panel-spikes");
  await expect(spikes).toHaveAttribute("data-state", "ready");
  await expect(spikes.getByTestId("hot-cell").first()).toBeVisible();
  const cells = Number(await spikes.getByTestId("heatmap-chart").getAttribute("data-cells"));
  expect(cells).toBeGreaterThan(9);
  await shot(page, "heatmap");
  // The button's query, run, answers with the cells the heat map drew: one a row.
  await openSql(page, "panel-spikes", "spikes", new RegExp(`^${cells} rows `));

  await page.getByRole("tab", { name: "Tick pattern" }).click();
  const tick = page.getByTestId("panel-tick");
  await expect(tick).toHaveAttribute("data-state", "ready");
  const fold = tick.getByTestId("tick-fold-chart");
  await expect(fold).toBeVisible();
  const points = Number(await fold.getAttribute("data-points"));
  expect(points).toBeGreaterThan(8);
  await shot(page, "tick-pattern");
  // The button's query, run, answers with the rows the chart drew: one a point.
  await openSql(page, "panel-tick", "tick_fold", new RegExp(`^${points} rows `));
});

test("while DuckDB starts, the overview is on screen and the views fed by SQL say they wait", async ({
  page,
}) => {
  // DuckDB's wasm is held back: DuckDB stays starting.
  await page.route("**/duckdb/**/*.wasm", () => undefined);
  await open(page);
  await expect(page.getByTestId("panel-timeline")).toHaveAttribute("data-state", "ready");
  await page.getByRole("tab", { name: "Comparison" }).click();
  const comparison = page.getByTestId("panel-comparison");
  await expect(comparison).toHaveAttribute("data-state", "loading");
  await expect(comparison).toContainText("Waiting for DuckDB-WASM to start");
  await page.getByRole("tab", { name: "Periodic spikes" }).click();
  await expect(page.getByTestId("panel-spikes")).toHaveAttribute("data-state", "loading");
  await expect(page.getByTestId("panel-spikes")).toContainText("Waiting for DuckDB-WASM to start");
  await shot(page, "heatmap-waiting");
  // The Tick pattern's level cards come from the summary; its fold comes from SQL, so it waits too.
  await page.getByRole("tab", { name: "Tick pattern" }).click();
  await expect(page.getByTestId("panel-tick")).toHaveAttribute("data-state", "loading");
  await expect(page.getByTestId("tick-fold")).toHaveAttribute("data-state", "waiting");
  await page.getByRole("tab", { name: "Timeline" }).click();
  await expect(page.getByTestId("panel-timeline")).toHaveAttribute("data-state", "ready");
});
