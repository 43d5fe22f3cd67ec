import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { tableFromIPC } from "apache-arrow";
import { encodeTickRun, tickBundle } from "./fixtures/bundles";

// Generated tick runs with known truth: every number the views show is checked against the file.
const dir = join("test-results", "numbers-fixtures");
const files: Record<string, string> = {};
const runs = [
  {
    id: "emulated-tick",
    environment: "emulated",
    scenario: "one-to-all",
    worst: { atNs: 9e9, valueNs: 7_190_000 },
  },
  {
    id: "enlightened-tick",
    environment: "enlightened",
    scenario: "one-to-all",
    worst: { atNs: 5e9, valueNs: 4_080_000 },
  },
];

test.beforeAll(() => {
  mkdirSync(dir, { recursive: true });
  const options = (run: (typeof runs)[number]) => ({ samples: 200_000, worst: run.worst });
  for (const run of runs) {
    files[run.id] = join(dir, `${run.id}.arrow`);
    writeFileSync(files[run.id], encodeTickRun({ ...run, options: options(run) }).bytes);
  }
  files.bundle = join(dir, "study.zip");
  writeFileSync(files.bundle, tickBundle(runs.map((run) => ({ ...run, options: options(run) }))).zip);
});

function durationsOf(path: string): number[] {
  const column = tableFromIPC(readFileSync(path)).getChild("duration_ns")!.toArray();
  return Array.from(column as ArrayLike<number | bigint>, Number);
}

async function open(page: Page, paths: string[], count: number) {
  await page.goto("/");
  await expect(page.getByTestId("empty-state")).toBeVisible();
  await page.getByTestId("open-files").setInputFiles(paths);
  await expect(page.locator('[data-testid="run-row"][data-state="ready"]')).toHaveCount(count);
}

const shot = (page: Page, name: string) =>
  page.screenshot({
    path: join(process.env.TICKSCOPE_SHOTS ?? "test-results", `${name}.png`),
    fullPage: true,
  });

test("the histogram's mode lies within 2% of the true mode, in duration", async ({ page }) => {
  await open(page, [files["emulated-tick"]], 1);
  // The true mode: the fullest ±1% window over the file's samples.
  const sorted = Float64Array.from(durationsOf(files["emulated-tick"])).sort();
  let best = 0;
  let mode = NaN;
  for (let i = 0, j = 0; i < sorted.length; i += 101) {
    while (j < sorted.length && sorted[j] < sorted[i] * 1.01) j++;
    if (j - i > best) [best, mode] = [j - i, sorted[Math.floor((i + j) / 2)]];
  }
  await page.getByRole("tab", { name: "Distributions" }).click();
  const panel = page.getByTestId("panel-distribution");
  await expect(panel).toHaveAttribute("data-state", "ready");
  const shown = Number(await panel.getByTestId("histogram-mode").getAttribute("data-ns"));
  expect(Math.abs(shown - mode) / mode).toBeLessThan(0.02);
  await expect(panel.getByTestId("histogram-mode")).toContainText("µs");
  await shot(page, "distributions-duration");
});

test("Comparison and Distributions agree on p50, p99 and the maximum, as duration and as overhead", async ({
  page,
}) => {
  await open(page, [files.bundle], 2);
  for (const kind of ["duration", "overhead"] as const) {
    const fromDistributions: Record<string, string> = {};
    await page.getByRole("tab", { name: "Distributions" }).click();
    const distribution = page.getByTestId("panel-distribution");
    await distribution.getByTestId("value-kind").selectOption(kind);
    await expect(distribution.getByTestId("percentile-table")).toContainText(`run (${kind})`);
    const row = distribution.getByTestId("percentile-table").locator("tbody tr", { hasText: "emulated" });
    for (const stat of ["p50", "p99", "max"])
      fromDistributions[stat] = (await row.getByTestId(`percentile-${stat}`).innerText()).trim();
    if (kind === "overhead") await shot(page, "distributions-overhead");

    await page.getByRole("tab", { name: "Comparison" }).click();
    const comparison = page.getByTestId("panel-comparison");
    await expect(comparison.getByTestId("value-kind")).toHaveValue(kind);
    for (const stat of ["p50", "p99", "max"]) {
      await comparison.getByLabel("Statistic").selectOption(stat);
      await expect(comparison.getByTestId("comparison-title")).toContainText(kind);
      const cell = comparison
        .getByTestId("comparison-table")
        .locator("tbody tr", { has: page.getByRole("rowheader", { name: /^emulated/ }) })
        .getByTestId("comparison-cell");
      await expect(cell).toHaveText(fromDistributions[stat]);
    }
    await comparison.getByLabel("Statistic").selectOption("max");
  }
  await expect.poll(() => new URL(page.url()).searchParams.get("as")).toBe("overhead");
});

test("Comparison's screen cells and its Markdown copy are written alike; no ×0.00", async ({ page }) => {
  await open(page, [files.bundle], 2);
  await page.getByRole("tab", { name: "Comparison" }).click();
  const panel = page.getByTestId("panel-comparison");
  await panel.getByTestId("value-kind").selectOption("overhead");
  await panel.getByLabel("Study's rows").check();
  await panel.getByLabel("Ratios to").selectOption("paper first comparison: emulated");
  await panel.getByTestId("copy-markdown").click();
  const markdown = await panel.getByTestId("export-text").inputValue();
  const rows = panel.getByTestId("comparison-table").locator("tbody tr");
  for (let r = 0; r < (await rows.count()); r++) {
    const label = (await rows.nth(r).getByRole("rowheader").innerText()).replace(/reference$/, "").trim();
    const cells = rows.nth(r).getByTestId("comparison-cell");
    const texts: string[] = [];
    for (let c = 0; c < (await cells.count()); c++) {
      const cell = cells.nth(c);
      const ratio = cell.getByTestId("comparison-ratio");
      const ratioText = (await ratio.count()) ? (await ratio.innerText()).trim() : null;
      const value = (await cell.innerText()).replace(ratioText ?? "", "").trim();
      texts.push(ratioText ? `${value} (${ratioText})` : value);
    }
    expect(markdown).toContain(`| ${label} | ${texts.join(" | ")} |`);
  }
  // A bare-machine cell is about a thousandth of the reference: its ratio keeps its digits.
  expect(markdown).not.toMatch(/×0\.00(?!\d)/);
  expect(markdown).toContain("| paper first comparison: bare-machine | 10 µs (×0.00139) |");
  await expect(panel.getByTestId("paper-note")).toContainText("does not say which scenario");
  await shot(page, "comparison-paper-overhead");
  // Other statistics: the study has no such values, and says so instead of rows of "–".
  await panel.getByLabel("Statistic").selectOption("p99");
  await expect(panel.getByRole("rowheader", { name: /^paper/ })).toHaveCount(0);
  await expect(panel.getByTestId("paper-note")).toContainText("maxima only");
});

test("one threshold: the timeline, the spikes panel and Comparison count the same samples as the file", async ({
  page,
}) => {
  await open(page, [files["emulated-tick"]], 1);
  await expect(page.getByTestId("panel-timeline")).toHaveAttribute("data-state", "ready");
  const input = page.getByLabel(/Spike threshold as duration/);
  // A number without its unit is refused with the units listed.
  await input.fill("1000");
  await input.press("Enter");
  await expect(page.getByTestId("threshold-problem")).toContainText('"1000" has no unit');
  await input.fill("1ms");
  await input.press("Enter");
  await expect(page).toHaveURL(/[?&]thr=1000000(&|$)/);
  const counted = page.getByTestId("above-threshold");
  await expect(counted).toContainText("duration");
  const count = Number(await counted.getAttribute("data-count"));
  const from = Number(await counted.getAttribute("data-from"));
  const truth = durationsOf(files["emulated-tick"]);
  expect(from).toBeGreaterThanOrEqual(1_000_000);
  expect(count).toBe(truth.filter((d) => d >= from).length);
  // Nothing lies between the threshold typed and the histogram edge counted from.
  expect(truth.filter((d) => d >= 1_000_000).length).toBe(count);
  expect(count).toBeGreaterThan(5);
  await shot(page, "timeline-threshold-duration");

  await page.getByRole("tab", { name: "Periodic spikes" }).click();
  const spikes = page.getByTestId("panel-spikes");
  await expect(spikes.getByTestId("above-threshold")).toHaveAttribute("data-count", String(count));
  await shot(page, "spikes-threshold");

  await page.getByRole("tab", { name: "Comparison" }).click();
  const comparison = page.getByTestId("panel-comparison");
  await comparison.getByLabel("Statistic").selectOption("above");
  await expect(comparison.getByTestId("comparison-cell")).toHaveText(count.toLocaleString("en-US"));

  // As overhead the threshold moves with the choice and still marks the same samples.
  await comparison.getByTestId("value-kind").selectOption("overhead");
  await expect(comparison.getByTestId("comparison-cell")).toHaveText(count.toLocaleString("en-US"));
  await page.getByRole("tab", { name: "Timeline" }).click();
  await expect(page.getByTestId("above-threshold")).toHaveAttribute("data-count", String(count));
  await expect(page.getByTestId("above-threshold")).toContainText("overhead");
  const overheadInput = page.getByLabel(/Spike threshold as overhead/);
  await overheadInput.fill("-5us");
  await overheadInput.press("Enter");
  await expect(page.getByTestId("threshold-problem")).toContainText("zero or more");
  await shot(page, "timeline-threshold-overhead");
});
