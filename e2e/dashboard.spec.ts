import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { tableFromIPC } from "apache-arrow";
import { encodeTickRun, tickBundle } from "./fixtures/bundles";
import type { TickTraceTruth } from "./fixtures/synthetic";
import { watchForeignRequests } from "./offline";

// Two tick runs with known truth (30 s each) and a broken file, written once for the spec.
const dir = join("test-results", "dashboard-fixtures");
const truths: Record<string, TickTraceTruth> = {};
const files: Record<string, string> = {};

test.beforeAll(() => {
  mkdirSync(dir, { recursive: true });
  const runs = [
    {
      id: "emulated-tick",
      environment: "emulated",
      scenario: "one-to-all",
      worst: { atNs: 12.345e9, valueNs: 7_190_000 },
    },
    {
      id: "enlightened-tick",
      environment: "enlightened",
      scenario: "one-to-all",
      worst: { atNs: 20e9, valueNs: 4_080_000 },
    },
  ];
  for (const run of runs) {
    const { bytes, truth } = encodeTickRun({ ...run, options: { samples: 440_000, worst: run.worst } });
    files[run.id] = join(dir, `${run.id}.arrow`);
    writeFileSync(files[run.id], bytes);
    truths[run.id] = truth;
  }
  const bundle = tickBundle(
    runs.map((run) => ({ ...run, options: { samples: 440_000, worst: run.worst } })),
    "e2e study",
  );
  files.bundle = join(dir, "study.zip");
  writeFileSync(files.bundle, bundle.zip);
  files.broken = join(dir, "broken.arrow");
  writeFileSync(files.broken, "PAR1 this is a parquet file, not arrow");
});

async function openRuns(page: Page, paths: string[]) {
  await page.goto("/");
  await expect(page.getByTestId("empty-state")).toBeVisible();
  await page.getByTestId("open-files").setInputFiles(paths);
}

const seconds = (ns: number) => `${(ns / 1e9).toFixed(9)} s`;

test("opens a bundle beside a broken file, shows the file's error, and finds the worst spike", async ({
  page,
  baseURL,
}) => {
  const foreign = watchForeignRequests(page, new URL(baseURL!).origin);
  await openRuns(page, [files.bundle, files.broken]);
  const broken = page.locator('[data-testid="run-row"][data-state="error"]');
  await expect(broken).toContainText("broken.arrow");
  await expect(broken.getByTestId("run-error")).toContainText(/broken\.arrow: expected an Arrow IPC file/);
  await expect(page.locator('[data-testid="run-row"][data-state="ready"]')).toHaveCount(2);
  await expect(page.locator('[data-run="emulated-tick"] [aria-label^="environment"]')).toHaveValue(
    "emulated",
  );

  await page.getByRole("radio", { name: /emulated-tick|emulated · one-to-all/ }).check();
  await expect(page.getByTestId("panel-timeline")).toHaveAttribute("data-state", "ready");
  const truth = truths["emulated-tick"];
  await expect(page.getByTestId("worst-value")).toHaveText("7.19 ms");
  await expect(page.getByTestId("worst-time")).toHaveText(seconds(truth.worst!.ts));

  // Zoom to it, then click the spike on the canvas (it is in the middle of the window).
  await page.getByRole("button", { name: "Zoom to worst spike" }).click();
  const chart = page.getByTestId("timeline-chart");
  await expect(chart).toHaveAttribute("data-drawn", /raw$/);
  const box = (await chart.boundingBox())!;
  const grid = { left: 64, right: 20, top: 28, bottom: 72 };
  await chart.click({
    position: { x: grid.left + (box.width - grid.left - grid.right) / 2, y: box.height / 2 },
  });
  await expect(page.getByTestId("picked-value")).toHaveText("7.19 ms");
  await expect(page.getByTestId("picked-time")).toHaveText(seconds(truth.worst!.ts));
  // The footer's engine status gets to ready with runs open too, and lists the tables: the two runs that
  // opened are rows of `runs`; the broken one is absent there and named in `load_errors`.
  await expect(page.getByTestId("duckdb-status")).toHaveAttribute("data-state", "ready");
  await expect(page.getByTestId("duckdb-status")).toContainText(/DuckDB-WASM v[\d.]+\S* ready/);
  const tables = page.getByTestId("duckdb-tables");
  await expect(tables.locator('[data-table="runs"]')).toHaveAttribute("data-rows", "2");
  await expect(tables.locator('[data-table="load_errors"]')).toHaveAttribute("data-rows", "1");
  await expect(tables.locator('[data-table="spikes"]')).not.toHaveAttribute("data-rows", "0");
  expect(foreign).toEqual([]);
});

test("a click on the whole-run timeline picks the spike under the pointer", async ({ page }) => {
  await openRuns(page, [files["emulated-tick"]]);
  await expect(page.getByTestId("panel-timeline")).toHaveAttribute("data-state", "ready");
  const truth = truths["emulated-tick"];
  const chart = page.getByTestId("timeline-chart");
  const box = (await chart.boundingBox())!;
  const grid = { left: 64, right: 20, top: 28, bottom: 72 };
  const x = grid.left + (truth.worst!.ts / truth.endNs) * (box.width - grid.left - grid.right);
  await chart.click({ position: { x, y: box.height / 2 } });
  await expect(page.getByTestId("picked-value")).toHaveText("7.19 ms");
  await expect(page.getByTestId("picked-time")).toHaveText(seconds(truth.worst!.ts));

  // Drag across 40 %..60 % of the plot: the timeline zooms to that range.
  const plot = box.width - grid.left - grid.right;
  await page.mouse.move(box.x + grid.left + plot * 0.4, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + grid.left + plot * 0.5, box.y + box.height / 2, { steps: 5 });
  await page.mouse.move(box.x + grid.left + plot * 0.6, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  await expect(chart).not.toHaveAttribute("data-drawn", new RegExp(`^0:`));
  const [t0, t1] = (await chart.getAttribute("data-drawn"))!.split(":").map(Number);
  expect(t0 / truth.endNs).toBeCloseTo(0.4, 1);
  expect(t1 / truth.endNs).toBeCloseTo(0.6, 1);

  // The keyboard: "-" zooms out around the middle, Home shows the whole run again.
  await chart.focus();
  await page.keyboard.press("Home");
  await expect(chart).toHaveAttribute("data-drawn", new RegExp(`^0:`));
});

test("the spike threshold is typed with its unit, counted against the run, and kept in the link", async ({
  page,
}) => {
  await openRuns(page, [files["emulated-tick"]]);
  await expect(page.getByTestId("panel-timeline")).toHaveAttribute("data-state", "ready");
  // Ground truth from the file itself: the samples of 1 ms or longer (the pauses and the worst spike).
  const durations = tableFromIPC(readFileSync(files["emulated-tick"])).getChild("duration_ns")!.toArray();
  const expected = Array.from(durations as ArrayLike<number>).filter((d) => Number(d) >= 1_000_000).length;
  expect(expected).toBeGreaterThan(20);
  const input = page.getByLabel(/Spike threshold as duration/);
  await input.fill("1ms");
  await input.press("Enter");
  await expect(page).toHaveURL(/[?&]thr=1000000(&|$)/);
  await expect(page.getByTestId("above-threshold")).toHaveText(
    new RegExp(`^${expected.toLocaleString("en-US")} samples at or above 1(\\.\\d+)? ms duration`),
  );
  await page.reload();
  await expect(page.getByTestId("empty-state")).toBeVisible();
  await page.getByTestId("open-files").setInputFiles([files["emulated-tick"]]);
  await expect(page.getByLabel(/Spike threshold as duration/)).toHaveValue("1 ms");
  await page.getByRole("button", { name: "Run's own" }).click();
  await expect(page).not.toHaveURL(/[?&]thr=/);
});

test("the comparison table holds each environment's maximum and copies as Markdown", async ({ page }) => {
  await openRuns(page, [files.bundle]);
  await expect(page.locator('[data-testid="run-row"][data-state="ready"]')).toHaveCount(2);
  await page.getByRole("tab", { name: "Comparison" }).click();
  const panel = page.getByTestId("panel-comparison");
  await expect(panel).toHaveAttribute("data-state", "ready");
  await panel.getByLabel("Ratios to").selectOption("enlightened");
  await panel.getByTestId("value-kind").selectOption("overhead");
  await panel.getByTestId("copy-markdown").click();
  const markdown = await panel.getByTestId("export-text").inputValue();
  const lines = markdown.trim().split("\n");
  expect(lines[0]).toBe("| maximum overhead | tick · one-to-all |");
  // Overheads over the 68 µs baseline: 7.19 ms and 4.08 ms spikes, ratios to the enlightened row.
  expect(lines.find((l) => l.startsWith("| emulated"))).toMatch(/^\| emulated \| 7\.12\d ms \(×1\.7\d\) \|$/);
  expect(lines.find((l) => l.startsWith("| enlightened"))).toMatch(
    /^\| enlightened \| 4\.01\d ms \(×1\) \|$/,
  );

  // A cell opens that run's timeline at its maximum.
  await panel.getByRole("button", { name: /7\.12\d ms/ }).click();
  await expect(page.getByRole("tab", { name: "Timeline" })).toHaveAttribute("aria-selected", "true");
  await expect(page.getByTestId("picked-value")).toHaveText("7.19 ms");
});

test("zooms to one tick period and reads the tick cost", async ({ page }) => {
  await openRuns(page, [files["emulated-tick"]]);
  await expect(page.locator('[data-testid="run-row"][data-state="ready"]')).toHaveCount(1);
  await page.getByRole("tab", { name: "Tick pattern" }).click();
  const panel = page.getByTestId("panel-tick");
  await page.getByRole("button", { name: "One tick period" }).click();
  await expect(panel).toHaveAttribute("data-state", "ready");
  const truth = truths["emulated-tick"];
  // The tick cost is 8 µs by construction; the busy loop 68 µs plus up to 0.4 µs of jitter.
  await expect(panel.getByTestId("tick-cost")).toHaveText(/^(7\.[89]\d*|8(\.0\d*)?|8\.[01]\d*) µs$/);
  await expect(panel.getByTestId("tick-level-none")).toHaveText(/^68(\.[0-4]\d*)? µs$/);
  // Each level says what it measures: the loop's duration without and with the tick, the tick's overhead.
  await expect(panel.getByText("No tick (duration)", { exact: true })).toBeVisible();
  await expect(panel.getByText("Tick (duration)", { exact: true })).toBeVisible();
  await expect(panel.getByText("Tick cost (overhead)", { exact: true })).toBeVisible();
  expect(truth.tickCostNs).toBe(8_000);
  await page.getByRole("button", { name: "Ten tick periods" }).click();
  await expect(panel).toHaveAttribute("data-state", "ready");

  // One tick period inside the fixture's first 2 ms pause (it starts with the sample running at 250 ms):
  // no sample starts there, and the panel says why.
  await page.getByRole("button", { name: "One tick period" }).click();
  const moment = panel.getByLabel("Moment to look around, in seconds");
  await moment.fill("0.251");
  await moment.press("Enter");
  await expect(panel.getByTestId("tick-window-empty")).toContainText("No sample starts between");
  await expect(panel).toHaveAttribute("data-state", "ready");
});

test("the heat map shows the once-a-second pauses and a click opens the timeline there", async ({ page }) => {
  await openRuns(page, [files["emulated-tick"]]);
  await expect(page.locator('[data-testid="run-row"][data-state="ready"]')).toHaveCount(1);
  await page.getByRole("tab", { name: "Periodic spikes" }).click();
  const panel = page.getByTestId("panel-spikes");
  await expect(panel).toHaveAttribute("data-state", "ready");
  await expect(panel.getByTestId("periods")).toContainText("every 1 s");

  // Click the hottest cell on the canvas itself, at the centre of its band.
  const chart = panel.getByTestId("heatmap-chart");
  const hot = panel.getByTestId("hot-cell").first();
  const second = Number(await hot.getAttribute("data-second"));
  const row = Number(await hot.getAttribute("data-row"));
  const seconds = Number(await chart.getAttribute("data-seconds"));
  const rows = Number(await chart.getAttribute("data-rows"));
  const box = (await chart.boundingBox())!;
  const grid = { left: 72, right: 84, top: 28, bottom: 44 };
  const x = grid.left + ((second + 0.5) / seconds) * (box.width - grid.left - grid.right);
  const y = grid.top + (1 - (row + 0.5) / rows) * (box.height - grid.top - grid.bottom);
  await chart.click({ position: { x, y } });

  await expect(page.getByRole("tab", { name: "Timeline" })).toHaveAttribute("aria-selected", "true");
  await expect(page.getByTestId("panel-timeline")).toHaveAttribute("data-state", "ready");
  // The worst spike (7.19 ms at 12.345 s) is the hottest cell: the timeline now shows its second.
  const truth = truths["emulated-tick"];
  const drawn = await page.getByTestId("timeline-chart").getAttribute("data-drawn");
  const [t0, t1] = drawn!.split(":").map(Number);
  expect(t0).toBeLessThanOrEqual(truth.worst!.ts);
  expect(t1).toBeGreaterThan(truth.worst!.ts);
  expect(t1 - t0).toBeLessThanOrEqual(1e9);
});
