import { join } from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { writeFileSync } from "node:fs";
import { encodeTickRun } from "./fixtures/bundles";
import { writeEmulatedTick } from "./fixtures/emulated-tick";
import { runAndWaitForAnswer } from "./fixtures/workbench";

// A tab keeps its DuckDB engine across navigations and reloads (lib/db/tab-engine.ts); each page still
// starts from a clean, locked-down database, and two tabs never share one.
const dir = join("test-results", "duckdb-kept-fixtures");
const file = join(dir, "emulated-tick.arrow");
const other = join(dir, "other-tick.arrow");

test.beforeAll(() => {
  writeEmulatedTick(dir);
  const { bytes } = encodeTickRun({
    id: "other-tick",
    environment: "other-env",
    scenario: "one-to-all",
    options: { samples: 50_000 },
  });
  writeFileSync(other, bytes);
});

const footer = (page: Page) => page.getByTestId("duckdb-status");

/** Waits for DuckDB to be ready and says whether this page's engine was kept or started. */
async function engineOf(page: Page): Promise<string | null> {
  await expect(footer(page)).toHaveAttribute("data-state", "ready");
  return footer(page).getByTestId("duckdb-engine").getAttribute("data-engine");
}

async function openRun(page: Page, path: string) {
  await page.getByTestId("open-files").setInputFiles([path]);
  await expect(page.locator('[data-testid="run-row"][data-state="ready"]')).toHaveCount(1);
  await expect(footer(page).locator('[data-table="runs"]')).toHaveAttribute("data-rows", "1");
}

async function run(page: Page, sql: string) {
  await page.getByRole("tab", { name: "SQL" }).click();
  await expect(page.getByTestId("sql-run")).toBeEnabled();
  const editor = page.locator(".cm-content");
  await editor.focus();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(sql);
  await runAndWaitForAnswer(page);
}

async function firstCell(page: Page, sql: string): Promise<string> {
  await run(page, sql);
  await expect(page.getByTestId("sql-status")).toHaveAttribute("data-state", "done");
  return page.locator('[data-testid="sql-result-table"] [data-row="0"] [role="cell"]').first().innerText();
}

async function refused(page: Page, sql: string) {
  await run(page, sql);
  await expect(page.getByTestId("sql-error")).toBeVisible();
  return page.getByTestId("sql-error").innerText();
}

/** What the last page left must be gone, and the lockdown must hold on the engine this page found. */
async function cleanAndLocked(page: Page) {
  expect(await refused(page, "SELECT * FROM leftover")).toMatch(/leftover does not exist/);
  expect(await refused(page, "SELECT leftover_macro()")).toMatch(/leftover_macro does not exist/);
  expect(await refused(page, "SELECT * FROM read_csv('http://127.0.0.1:1/x')")).toMatch(
    /Permission Error|disabled|external access/i,
  );
  expect(await refused(page, "INSTALL httpfs")).toContain("is refused");
  expect(await refused(page, "SET enable_external_access = true")).toMatch(/Cannot change configuration/);
  // Each setting of the lockdown, read back from this page's engine.
  expect(
    await firstCell(
      page,
      `SELECT concat_ws(',', current_setting('enable_external_access'), current_setting('autoinstall_known_extensions'),
        current_setting('autoload_known_extensions'), current_setting('lock_configuration'))`,
    ),
  ).toBe("false,false,false,true");
}

test("navigating and reloading keep the tab's engine, with only the new page's tables and the lockdown intact", async ({
  page,
}) => {
  await page.goto("/");
  expect(await engineOf(page)).toBe("started");
  await openRun(page, file);
  await run(page, "CREATE TABLE leftover AS SELECT 1 AS x; CREATE MACRO leftover_macro() AS 1");
  await expect(page.getByTestId("sql-status")).toHaveAttribute("data-state", "done");
  expect(await firstCell(page, "SELECT count(*) FROM leftover")).toBe("1");

  // Another page of the app, then back: a new document each time.
  await page.goto("/bench/naive");
  await page.goto("/");
  expect(await engineOf(page)).toBe("kept");
  await expect(footer(page).locator('[data-table="runs"]')).toHaveAttribute("data-rows", "0");
  await openRun(page, other);
  expect(await firstCell(page, "SELECT string_agg(environment, ',') FROM runs")).toBe("other-env");
  await cleanAndLocked(page);
  await run(page, "CREATE TABLE leftover AS SELECT 2 AS x; CREATE MACRO leftover_macro() AS 2");

  await page.reload();
  expect(await engineOf(page)).toBe("kept");
  await expect(footer(page).locator('[data-table="runs"]')).toHaveAttribute("data-rows", "0");
  await openRun(page, file);
  expect(await firstCell(page, "SELECT string_agg(environment, ',') FROM runs")).toBe("emulated");
  await cleanAndLocked(page);
});

test("two tabs at once, even one duplicated with the other's sessionStorage, each have their own engine and runs", async ({
  context,
}) => {
  const first = await context.newPage();
  await first.goto("/");
  expect(await engineOf(first)).toBe("started");
  await openRun(first, file);
  const id = await first.evaluate(() => sessionStorage.getItem("tickscope:duckdb-engine"));
  expect(id).toBeTruthy();

  // A duplicated tab starts with a copy of the first tab's sessionStorage.
  const second = await context.newPage();
  await second.addInitScript((copied) => {
    if (!sessionStorage.getItem("tickscope:duckdb-engine"))
      sessionStorage.setItem("tickscope:duckdb-engine", copied);
  }, id!);
  await second.goto("/");
  expect(await engineOf(second)).toBe("started");
  expect(await second.evaluate(() => sessionStorage.getItem("tickscope:duckdb-engine"))).not.toBe(id);
  await openRun(second, other);

  expect(await firstCell(first, "SELECT string_agg(environment, ',') FROM runs")).toBe("emulated");
  expect(await firstCell(second, "SELECT string_agg(environment, ',') FROM runs")).toBe("other-env");
});
