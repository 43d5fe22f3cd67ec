import { expect, test } from "@playwright/test";
import { watchForeignRequests } from "./offline";

// `?demo=1` opens the demo bundles served by the app (the capture of `npm run demo`, else samples/).
test("the demo link opens the served bundles with their fingerprint, raw windows by HTTP Range", async ({
  page,
  baseURL,
}) => {
  const foreign = watchForeignRequests(page, new URL(baseURL!).origin);
  const ranges: string[] = [];
  page.on("request", (request) => {
    const range = request.headers()["range"];
    if (range && request.url().includes("/api/demo/")) ranges.push(range);
  });
  await page.goto("/?demo=1");
  const ready = page.locator('[data-testid="run-row"][data-state="ready"]');
  await expect(ready.first()).toBeVisible();
  await expect(page.locator('[data-testid="run-row"][data-state="loading"]')).toHaveCount(0);
  await expect(page.locator('[data-testid="run-row"][data-state="error"]')).toHaveCount(0);
  expect(await ready.count()).toBeGreaterThanOrEqual(1);
  await expect(ready.first()).toContainText(/HZ=\d+/);
  await expect(page.getByTestId("panel-timeline")).toHaveAttribute("data-state", "ready");
  // Zoomed to its worst spike, the timeline shows raw samples fetched by Range requests only.
  await page.getByRole("button", { name: "Zoom to worst spike" }).click();
  await expect(page.getByTestId("timeline-chart")).toHaveAttribute("data-drawn", /raw$/);
  expect(ranges.length).toBeGreaterThan(0);
  expect(foreign).toEqual([]);
});
