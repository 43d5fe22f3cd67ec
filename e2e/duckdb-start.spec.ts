import { join } from "node:path";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { writeEmulatedTick } from "./fixtures/emulated-tick";

const dir = join("test-results", "duckdb-start-fixtures");
const file = join(dir, "emulated-tick.arrow");
const FAILED = "The SQL engine (DuckDB-WASM) failed to start";

test.beforeAll(() => {
  writeEmulatedTick(dir);
});

/**
 * Makes every fetch of DuckDB's wasm fail. page.route does not see a SharedWorker's requests (the tab's
 * engine runs in one, lib/db/tab-engine.ts), so this intercepts at the browser's level; returns the undo.
 */
async function failWasm(browser: Browser, page: Page): Promise<() => Promise<void>> {
  await page.route("**/duckdb/*/*.wasm", (route) => route.abort("failed"));
  const cdp = await browser.newBrowserCDPSession();
  cdp.on("Fetch.requestPaused", (event) => {
    void cdp.send("Fetch.failRequest", { requestId: event.requestId, errorReason: "Failed" }).catch(() => {});
  });
  await cdp.send("Fetch.enable", { patterns: [{ urlPattern: "*/duckdb/*.wasm" }] });
  return async () => {
    await cdp.send("Fetch.disable");
    await cdp.detach();
  };
}

for (const engine of ["the tab's shared engine", "a dedicated worker (no SharedWorker)"]) {
  test(`when DuckDB-WASM's wasm cannot be fetched (${engine}), the footer and every SQL view say so, and the timeline and the other views still work`, async ({
    browser,
    page,
  }) => {
    if (engine.startsWith("a dedicated"))
      await page.addInitScript(() => Reflect.deleteProperty(window, "SharedWorker"));
    const undo = await failWasm(browser, page);
    try {
      await failedStart(page);
    } finally {
      await undo();
    }
  });
}

async function failedStart(page: Page) {
  await page.goto("/");
  await page.getByTestId("open-files").setInputFiles([file]);
  await expect(page.locator('[data-testid="run-row"][data-state="ready"]')).toHaveCount(1);
  await expect(page.getByTestId("panel-timeline")).toHaveAttribute("data-state", "ready");

  const footer = page.getByTestId("duckdb-status");
  await expect(footer).toHaveAttribute("data-state", "error", { timeout: 30_000 });
  await expect(footer.getByTestId("duckdb-start-error")).toContainText(FAILED);
  await expect(footer.getByTestId("duckdb-start-error")).toContainText(
    /duckdb-eh\.wasm could not be fetched/,
  );

  for (const [tab, panel] of [
    ["Comparison", "panel-comparison"],
    ["Periodic spikes", "panel-spikes"],
  ] as const) {
    await page.getByRole("tab", { name: tab }).click();
    await expect(page.getByTestId(panel)).toHaveAttribute("data-state", "error");
    await expect(page.getByTestId(panel)).toContainText(FAILED);
  }
  // The Tick pattern draws its samples without SQL; only its folded profile comes from DuckDB.
  await page.getByRole("tab", { name: "Tick pattern" }).click();
  await expect(page.getByTestId("panel-tick")).toHaveAttribute("data-state", "ready");
  await expect(page.getByTestId("tick-fold")).toHaveAttribute("data-state", "error");
  await expect(page.getByTestId("tick-fold")).toContainText(FAILED);
  await page.getByRole("tab", { name: "SQL" }).click();
  await expect(page.getByTestId("workbench-panel")).toContainText(FAILED);

  // The views that need no SQL still draw.
  await page.getByRole("tab", { name: "Distributions" }).click();
  await expect(page.getByTestId("panel-distribution")).toHaveAttribute("data-state", "ready");
  await page.getByRole("tab", { name: "Timeline" }).click();
  await expect(page.getByTestId("panel-timeline")).toHaveAttribute("data-state", "ready");
}
