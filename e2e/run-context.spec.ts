import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { encodeSyntheticRun } from "../lib/format/testing/synthetic-trace";
import { watchForeignRequests } from "./offline";

// What the page says about a run beyond its samples: the period of its stalls, what the host already
// explains, its name among the other runs, and the page's own chrome (footer, Share, favicon).

const dir = join("test-results", "run-context-fixtures");
const sevenSeconds = join(dir, "seven-seconds.arrow");

test.beforeAll(() => {
  mkdirSync(dir, { recursive: true });
  // 7 s of a 70 µs loop on a VM: a 50 ms stall at +80 ms of every second (RT throttling), 4 ms ticks.
  const { bytes } = encodeSyntheticRun(
    {
      samples: 100_000,
      baselineNs: 70_000,
      tickPeriodNs: 4_000_000,
      tickCostNs: 4_000,
      spikePeriodNs: 1e9,
      spikePhaseNs: 80e6,
      spikeNs: 50e6,
      seed: 7,
    },
    {
      test: "tick",
      run: {
        label: "seven seconds",
        host: { hypervisor: "KVMKVMKVM", sched_rt_runtime_us: 950000, sched_rt_period_us: 1000000 },
      },
    },
  );
  writeFileSync(sevenSeconds, bytes);
});

async function openDemo(page: Page) {
  await page.goto("/?demo=1");
  await expect(page.locator('[data-testid="run-row"][data-state="ready"]')).toHaveCount(4);
}

/** The first period the periodic-spike view found (ns), . */
const periodOf = async (page: Page) =>
  Number(await page.getByTestId("periods").getByRole("button").first().getAttribute("data-period-ns"));

const rowLabels = (page: Page) =>
  page.getByTestId("run-row").evaluateAll((rows) =>
    rows.map((row) => ({
      label: (row.querySelector('input[aria-label^="label of"]') as HTMLInputElement).value,
      name: row.querySelector('[data-testid="run-name"]')!.textContent,
    })),
  );

test("the once-a-second stall of a 7 s run is found, and the host note says it is RT throttling", async ({
  page,
}) => {
  await page.goto("/");
  await page.getByTestId("open-files").setInputFiles([sevenSeconds]);
  await expect(page.locator('[data-testid="run-row"][data-state="ready"]')).toHaveCount(1);
  await page.getByRole("tab", { name: "Periodic spikes" }).click();
  const periods = page.getByTestId("periods");
  await expect(periods.getByRole("button")).toHaveCount(1);
  await expect(periods).not.toContainText("No period detected");
  expect(Math.abs((await periodOf(page)) - 1e9)).toBeLessThan(0.01e9);
  // The hottest cells say where the stall is: at +80 ms (to a cell, 20 ms) in each second.
  await expect(page.getByTestId("panel-spikes")).toHaveAttribute("data-state", "ready");
  const hot = await page.getByTestId("hot-cell").allInnerTexts();
  expect(hot).toHaveLength(5);
  for (const text of hot) {
    const [, ms] = /^\d+ s \+ ([\d.]+) ms · /.exec(text) ?? [];
    expect(Math.abs(Number(ms) - 80), text).toBeLessThanOrEqual(20);
  }
  const note = page.getByTestId("panel-spikes").getByTestId("host-note");
  await expect(note).toContainText("50 ms every 1 s");
  await expect(note).toContainText(/The period every \S+ m?s found here is this stall\./);
});

test("the shipped samples show the kernel's once-a-second stall beside the run and in the periodic-spike view, and the whole fingerprint", async ({
  page,
  baseURL,
}) => {
  const foreign = watchForeignRequests(page, new URL(baseURL!).origin);
  await openDemo(page);
  const notes = page.getByTestId("run-host-note");
  await expect(notes).toHaveCount(4);
  // Captured on Linux 6.18 before the fingerprint said whether RT group scheduling was in force: RT
  // throttling or the fair server, and the note says so.
  await expect(notes.first()).toHaveText("⚠ RT throttling or fair server: 50 ms stall every 1 s");

  await page.getByRole("tab", { name: "Periodic spikes" }).click();
  await expect(page.getByTestId("panel-spikes")).toHaveAttribute("data-state", "ready");
  await expect(page.getByTestId("periods").getByRole("button").first()).toHaveText(/^every /);
  expect(Math.abs((await periodOf(page)) - 1e9)).toBeLessThan(0.01e9);
  const note = page.getByTestId("panel-spikes").getByTestId("host-note");
  await expect(note).toContainText("sysctl -w kernel.sched_rt_runtime_us=-1");
  await expect(note).toContainText("found here is this stall");

  await page.getByTestId("fingerprint").first().click();
  const drawer = page.getByTestId("fingerprint-drawer");
  await expect(drawer).toBeVisible();
  for (const field of [
    "sched_rt_runtime_us950000",
    "sched_rt_period_us1000000",
    "kvm.kvm_clocktrue",
    "tsc_hz_sourcemeasured",
  ])
    await expect(drawer).toContainText(field);
  await expect(drawer.getByTestId("host-note")).toContainText("does not say which kernel build");
  await page.keyboard.press("Escape");
  await expect(drawer).toHaveCount(0);
  expect(foreign).toEqual([]);
});

test("the demo's runs get unique names; a label the user types survives a reload and a share link", async ({
  page,
  browser,
}) => {
  await openDemo(page);
  const names = (await rowLabels(page)).map((row) => row.name);
  expect(new Set(names).size).toBe(4);
  expect(names.filter((name) => name?.startsWith("clock tick · "))).toHaveLength(2);

  await page.getByRole("tab", { name: "Distributions" }).click();
  await expect(page.getByTestId("panel-distribution")).toHaveAttribute("data-state", "ready");
  const boxes = page.getByTestId("panel-distribution").locator("fieldset label");
  await expect(boxes).toHaveCount(4);
  for (const box of await boxes.all()) await box.locator("input").check();
  const tableRuns = await page.getByTestId("percentile-table").locator("tbody th").allInnerTexts();
  expect(tableRuns).toHaveLength(4);
  expect(new Set(tableRuns).size).toBe(4);

  const label = page.getByRole("textbox", { name: "label of switch-1000" });
  await label.fill("1000 threads, idle guest");
  await label.press("Enter");
  await expect.poll(() => new URL(page.url()).searchParams.get("lbl")).toContain("1000 threads, idle guest");
  await page.reload();
  await expect(page.locator('[data-testid="run-row"][data-state="ready"]')).toHaveCount(4);
  await expect(page.getByRole("textbox", { name: "label of switch-1000" })).toHaveValue(
    "1000 threads, idle guest",
  );
  await expect(page.getByTestId("percentile-table")).toContainText("1000 threads, idle guest");

  // Share asks first, then uploads; the link's page names the runs the same way.
  await page.getByTestId("share-button").click();
  const dialog = page.getByTestId("share-dialog");
  await expect(dialog.getByTestId("share-explain")).toContainText(
    "uploads the open bundles below to this server",
  );
  await dialog.getByTestId("share-confirm").click();
  await expect(dialog).toHaveAttribute("data-state", "ready", { timeout: 60_000 });
  const link = await dialog.getByTestId("share-link").inputValue();

  const viewer = await browser.newPage();
  await viewer.goto(link);
  await expect(viewer.getByTestId("shared-bundles")).toHaveAttribute("data-state", "ready");
  await expect(viewer.locator('[data-testid="run-row"][data-state="ready"]')).toHaveCount(4);
  await expect(viewer.getByRole("textbox", { name: "label of switch-1000" })).toHaveValue(
    "1000 threads, idle guest",
  );
  const shared = await rowLabels(viewer);
  expect(new Set(shared.map((row) => row.name)).size).toBe(4);
  expect(shared.filter((row) => row.name?.endsWith("runs/tick.arrow"))).toHaveLength(2);
  expect(shared.filter((row) => row.name?.startsWith("clock tick · "))).toHaveLength(2);
  await viewer.close();
});

test("Share says what it would upload and uploads nothing until asked", async ({ page }) => {
  const posts: string[] = [];
  page.on("request", (request) => request.method() === "POST" && posts.push(request.url()));
  await page.goto("/");
  await page.getByTestId("open-files").setInputFiles([sevenSeconds]);
  await expect(page.locator('[data-testid="run-row"][data-state="ready"]')).toHaveCount(1);
  await page.getByTestId("share-button").click();
  const dialog = page.getByTestId("share-dialog");
  await expect(dialog).toHaveAttribute("data-state", "confirm");
  await expect(dialog.getByTestId("share-explain")).toContainText(new URL(page.url()).host);
  await expect(dialog.getByTestId("share-item")).toContainText("seven-seconds.arrow");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toHaveCount(0);
  expect(posts).toEqual([]);
  await expect(page.getByTestId("duckdb-status")).toContainText(
    "Share uploads them to this server only when you ask",
  );
});

test("the page loads without a 404 or a console error: a favicon is served; the footer shows DuckDB's state plainly", async ({
  page,
}) => {
  const failures: string[] = [];
  page.on(
    "response",
    (response) => response.status() >= 400 && failures.push(`${response.status()} ${response.url()}`),
  );
  page.on("console", (message) => message.type() === "error" && failures.push(message.text()));
  await page.goto("/");
  const status = page.getByTestId("duckdb-status");
  await expect(status).toHaveAttribute("data-state", "ready");
  await expect(status).toContainText(/DuckDB-WASM v[\d.]+\S* ready/);
  await expect(status).not.toContainText("probe");
  await expect(status).not.toContainText("42000");
  const icon = await page.locator('link[rel="icon"]').first().getAttribute("href");
  expect(icon).toBeTruthy();
  for (const path of [icon!, "/favicon.ico"]) {
    const response = await page.request.get(path);
    expect(response.status()).toBe(200);
    expect(response.headers()["content-type"]).toMatch(/^image\//);
  }
  expect(failures).toEqual([]);
});
