import { mkdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test, type BrowserContext, type Page } from "@playwright/test";
import { parseViewState } from "../lib/url/view-state";
import { encodeTickRun } from "./fixtures/bundles";
import { watchForeignRequests } from "./offline";

// Two tick runs, one labelled with markup that must stay text everywhere.
const dir = join("test-results", "share-fixtures");
const XSS_LABEL = "<img src=x onerror=alert(1)>";
const files: string[] = [];

test.beforeAll(() => {
  mkdirSync(dir, { recursive: true });
  const runs = [
    { id: "emulated-tick", environment: "emulated", worst: { atNs: 6.5e9, valueNs: 5_130_000 } },
    { id: "enlightened-tick", environment: "enlightened", worst: { atNs: 9e9, valueNs: 2_040_000 } },
  ];
  for (const run of runs) {
    const { bytes } = encodeTickRun({
      id: run.id === "emulated-tick" ? XSS_LABEL : run.id,
      environment: run.environment,
      scenario: "one-to-all",
      options: { samples: 200_000, worst: run.worst },
    });
    const path = join(dir, `${run.id}.arrow`);
    writeFileSync(path, bytes);
    files.push(path);
  }
});

/** What a viewer reads off the runs table: every cell but the file name line, row by row. */
async function tableValues(page: Page) {
  const rows = page.locator('[data-testid="run-row"]');
  await expect(rows).toHaveCount(2);
  await expect(page.locator('[data-testid="run-row"][data-state="ready"]')).toHaveCount(2);
  return rows.evaluateAll((elements) =>
    elements
      .map((row) =>
        Array.from(row.querySelectorAll("td"))
          .slice(1, -1)
          .map((cell) => {
            const input = cell.querySelector("input");
            return input ? input.value : (cell.textContent ?? "").trim();
          }),
      )
      .sort((a, b) => a.join().localeCompare(b.join())),
  );
}

/** Records every Content-Security-Policy violation a page of this context reports. */
async function watchViolations(context: BrowserContext) {
  await context.addInitScript(() => {
    const store = window as unknown as { __violations: string[] };
    store.__violations = [];
    document.addEventListener("securitypolicyviolation", (event) =>
      store.__violations.push(`${event.violatedDirective} ${event.blockedURI}`),
    );
  });
}

const violationsOf = (page: Page) =>
  page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);

async function noInjectedMarkup(page: Page) {
  expect(await page.evaluate(() => document.querySelectorAll('img[src="x"]').length)).toBe(0);
}

test("a shared link reopens the same runs, window, comparison table and values in a fresh browser", async ({
  browser,
  baseURL,
}) => {
  const sharer = await browser.newContext();
  await watchViolations(sharer);
  const page = await sharer.newPage();
  const dialogs: string[] = [];
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  const foreign = watchForeignRequests(page, new URL(baseURL!).origin);
  await page.goto("/");
  await page.getByTestId("open-files").setInputFiles(files);
  const before = await tableValues(page);
  expect(before.flat()).toContain(XSS_LABEL);

  // Pick a window: zoom to the worst spike; the URL follows.
  await expect(page.getByTestId("panel-timeline")).toHaveAttribute("data-state", "ready");
  const worst = await page.getByTestId("worst-value").textContent();
  await page.getByRole("button", { name: "Zoom to worst spike" }).click();
  await expect(page.getByTestId("timeline-chart")).toHaveAttribute("data-drawn", /raw$/);
  await expect.poll(() => parseViewState(new URL(page.url()).search).from).not.toBeNull();
  // And the comparison table, the panel the link will open on.
  await page.getByRole("tab", { name: "Comparison" }).click();
  await expect(page.getByTestId("panel-comparison")).toHaveAttribute("data-state", "ready");
  const comparison = await page.getByTestId("comparison-table").innerText();
  expect(comparison).toMatch(/emulated/);
  await expect.poll(() => parseViewState(new URL(page.url()).search).panel).toBe("comparison");
  const viewBefore = parseViewState(new URL(page.url()).search);
  // The window names its run, so the viewer cannot open it on whichever run loads first.
  expect(viewBefore.focus).not.toBeNull();

  await page.getByTestId("share-button").click();
  const dialog = page.getByTestId("share-dialog");
  await dialog.getByTestId("share-confirm").click();
  await expect(dialog).toHaveAttribute("data-state", "ready", { timeout: 60_000 });
  await expect(dialog.getByTestId("share-item")).toHaveCount(2);
  const link = await dialog.getByTestId("share-link").inputValue();
  const shared = parseViewState(new URL(link).search);
  expect(shared.bundles).toHaveLength(2);
  expect([shared.from, shared.to, shared.focus, shared.panel]).toEqual([
    viewBefore.from,
    viewBefore.to,
    viewBefore.focus,
    viewBefore.panel,
  ]);
  await noInjectedMarkup(page);
  expect(await violationsOf(page)).toEqual([]);
  await sharer.close();

  // A fresh profile: nothing in common with the sharer but the link.
  const viewer = await browser.newContext();
  await watchViolations(viewer);
  const other = await viewer.newPage();
  other.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  const foreignToo = watchForeignRequests(other, new URL(baseURL!).origin);
  const runReads: string[] = [];
  other.on("response", (response) => {
    if (/\/api\/bundles\/[^/]+\/files\/runs\//.test(response.url()))
      runReads.push(`${response.status()} ${response.headers()["content-range"] ?? ""}`);
  });
  await other.goto(link);
  await expect(other.getByTestId("shared-bundles")).toHaveAttribute("data-state", "ready");
  expect(await tableValues(other)).toEqual(before);
  await expect(other.getByTestId("panel-comparison")).toHaveAttribute("data-state", "ready");
  expect(await other.getByTestId("comparison-table").innerText()).toBe(comparison);
  await other.getByRole("tab", { name: "Timeline" }).click();
  await expect(other.getByTestId("panel-timeline")).toHaveAttribute("data-state", "ready");
  await expect(other.getByTestId("timeline-chart")).toHaveAttribute("data-drawn", /raw$/);
  expect(await other.getByTestId("worst-value").textContent()).toBe(worst);
  const viewAfter = parseViewState(new URL(other.url()).search);
  expect([viewAfter.from, viewAfter.to]).toEqual([viewBefore.from, viewBefore.to]);
  await noInjectedMarkup(other);
  // The viewer used the server's summaries and fetched only record batches by Range, never a whole run.
  expect(runReads.length).toBeGreaterThan(0);
  for (const read of runReads) expect(read).toMatch(/^206 bytes \d+-\d+\/\d+$/);
  const fetched = runReads.reduce((sum, read) => {
    const [, from, to] = /bytes (\d+)-(\d+)/.exec(read)!;
    return sum + Number(to) - Number(from) + 1;
  }, 0);
  // (Each run is one record batch here: the focused run's batch, and little of the other run.)
  expect(fetched).toBeLessThan(files.reduce((sum, path) => sum + statSync(path).size, 0) * 0.75);
  expect(await violationsOf(other)).toEqual([]);
  expect(dialogs).toEqual([]);
  expect([...foreign, ...foreignToo]).toEqual([]);
  await viewer.close();
});

test("a link to a bundle that does not exist says so plainly", async ({ page }) => {
  await page.goto("/?v=1&b=AAAAAAAAAAAAAAAAAAAAAA");
  await expect(page.getByTestId("shared-bundles")).toHaveAttribute("data-state", "error");
  await expect(page.getByTestId("shared-bundle-missing")).toContainText(
    'Bundle not found: "AAAAAAAAAAAAAAAAAAAAAA" does not exist on this server.',
  );
});
