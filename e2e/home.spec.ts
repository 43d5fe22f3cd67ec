import { expect, test } from "@playwright/test";
import { watchForeignRequests } from "./offline";

test("the home page starts DuckDB-WASM from the app itself and shows a query result", async ({
  page,
  baseURL,
}) => {
  const foreign = watchForeignRequests(page, new URL(baseURL!).origin);
  const duckdbFiles: string[] = [];
  page.on("response", (response) => {
    if (response.url().includes("/duckdb/"))
      duckdbFiles.push(
        `${response.status()} ${new URL(response.url()).pathname} ${response.headers()["cache-control"]}`,
      );
  });

  await page.goto("/");
  const status = page.getByTestId("duckdb-status");
  await expect(status).toHaveAttribute("data-state", "ready");
  await expect(page.getByTestId("duckdb-version")).toHaveText(/^v\d+\.\d+\.\d+/);
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
  expect(foreign).toEqual([]);
});
