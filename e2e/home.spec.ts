import { expect, test, type Browser } from "@playwright/test";
import { watchForeignRequests } from "./offline";

/**
 * Every response for a DuckDB file, as "status path cache-control", seen at the browser's level: the tab's
 * engine runs in a SharedWorker (lib/db/tab-engine.ts), whose requests the page's events do not see.
 */
async function watchDuckdbResponses(
  browser: Browser,
): Promise<{ seen: string[]; stop: () => Promise<void> }> {
  const seen: string[] = [];
  const cdp = await browser.newBrowserCDPSession();
  cdp.on("Fetch.requestPaused", (event) => {
    const header = (event.responseHeaders ?? []).find((h) => h.name.toLowerCase() === "cache-control");
    seen.push(`${event.responseStatusCode} ${new URL(event.request.url).pathname} ${header?.value}`);
    void cdp.send("Fetch.continueRequest", { requestId: event.requestId }).catch(() => {});
  });
  await cdp.send("Fetch.enable", { patterns: [{ urlPattern: "*/duckdb/*", requestStage: "Response" }] });
  return {
    seen,
    stop: async () => {
      await cdp.send("Fetch.disable");
      await cdp.detach();
    },
  };
}

test("the home page starts DuckDB-WASM from the app itself and shows a query result", async ({
  browser,
  page,
  baseURL,
}) => {
  const foreign = watchForeignRequests(page, new URL(baseURL!).origin);
  const watch = await watchDuckdbResponses(browser);
  const duckdbFiles = watch.seen;

  await page.goto("/");
  const status = page.getByTestId("duckdb-status");
  await expect(status).toHaveAttribute("data-state", "ready");
  await expect(page.getByTestId("duckdb-version")).toHaveText(/^v\d+\.\d+\.\d+/);
  await expect(page.getByTestId("duckdb-status")).toContainText(/DuckDB-WASM v[\d.]+\S* ready/);
  // The footer lists the tables (none of them holds rows before a run is open).
  await expect(page.locator('[data-testid="duckdb-tables"] [data-table="runs"]')).toHaveAttribute(
    "data-rows",
    "0",
  );

  // From a path that holds the version, served immutable, so a second visit reuses the compiled code.
  expect(
    duckdbFiles.some((line) =>
      /^200 \/duckdb\/\d+\.\d+\.\d+\/duckdb-(eh|mvp)\.wasm public, max-age=31536000, immutable$/.test(line),
    ),
  ).toBe(true);
  expect(duckdbFiles.filter((line) => !line.startsWith("200 "))).toEqual([]);
  await watch.stop();
  expect(foreign).toEqual([]);
});
