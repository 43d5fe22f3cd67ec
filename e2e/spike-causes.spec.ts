import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { buildEventsBundle } from "../lib/format/testing/events-bundle";
import { encodeSyntheticRun } from "../lib/format/testing/synthetic-trace";

// A tick run whose 50 ms spikes are 97% RT throttling (recorded as events) and 3% unexplained.
const dir = join("test-results", "spike-causes-fixtures");
const files: Record<string, string> = {};
/** The throttled part of the worst spike (the longest throttle event), as the screen writes it. */
let worstThrottle = "";

test.beforeAll(() => {
  mkdirSync(dir, { recursive: true });
  const run = encodeSyntheticRun({
    samples: 130_000,
    jitterNs: 0,
    tickPeriodNs: 4_000_000,
    spikeNs: 50_000_000,
    events: { spike: { kind: "throttle", name: "sched_rt_runtime", share: 0.97 } },
  });
  const ev = run.truth.events!;
  const longest = Math.max(...ev.ts.map((t, i) => (ev.kind[i] === "throttle" ? ev.end[i] - t : 0)));
  worstThrottle = `${(longest / 1e6).toFixed(1)} ms`;
  files.bundle = join(dir, "events.zip");
  writeFileSync(
    files.bundle,
    buildEventsBundle([
      {
        id: "traced",
        bytes: run.bytes,
        events: ev,
        fields: { environment: "emulated", scenario: "one-to-all" },
      },
    ]).zip,
  );
  files.lone = join(dir, "lone.arrow");
  writeFileSync(files.lone, run.bytes);
});

test("click a spike and see its causes; the family names its cause", async ({ page }) => {
  await page.goto("/");
  await page.getByTestId("open-files").setInputFiles([files.bundle]);
  await page.getByRole("tab", { name: "Periodic spikes" }).click();
  const panel = page.getByTestId("panel-spikes");
  await expect(panel.getByTestId("family-cause").first()).toHaveText(/cause: throttle/);
  const causes = panel.getByTestId("spike-causes");
  await expect(causes).toHaveAttribute("data-events", "recorded");
  await panel.getByTestId("worst-spike").first().click();
  const rows = panel.getByTestId("spike-cause");
  await expect(rows.first()).toHaveAttribute("data-kind", "throttle");
  await expect(rows.first()).toContainText(`throttle sched_rt_runtime${worstThrottle} overhead`);
  await expect(panel.locator('[data-testid="spike-cause"][data-kind="unexplained"]')).toContainText(
    /unexplained.*1\.\d+ ms overhead/,
  );
  await panel.screenshot({ path: test.info().outputPath("spike-causes.png") });
});

test("a run without events says so", async ({ page }) => {
  await page.goto("/");
  await page.getByTestId("open-files").setInputFiles([files.lone]);
  await page.getByRole("tab", { name: "Periodic spikes" }).click();
  await expect(page.getByTestId("spike-causes")).toHaveText(/No kernel events were recorded for this run/);
});

test("Comparison shows where each run's lost time went", async ({ page }) => {
  await page.goto("/");
  await page.getByTestId("open-files").setInputFiles([files.bundle]);
  await page.getByRole("tab", { name: "Comparison" }).click();
  const run = page.locator('[data-testid="attribution-run"][data-run="traced"]');
  await expect(run.locator('[data-testid="attribution-part"][data-kind="throttle"]')).toBeVisible();
  await expect(run.locator('[data-testid="attribution-part"][data-kind="unexplained"]')).toHaveAttribute(
    "title",
    /unexplained: .* overhead \(\d+\.\d%\)/,
  );
  await page
    .getByTestId("attribution-bars")
    .screenshot({ path: test.info().outputPath("attribution-bars.png") });
});
