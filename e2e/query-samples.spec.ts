import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { tableFromIPC } from "apache-arrow";
import { parseViewState } from "../lib/url/view-state";
import { encodeTickRun } from "./fixtures/bundles";

// A run just above the 5M-sample cap (about 6 minutes of 68 µs loops), with one known worst sample.
const SAMPLES = 5_200_000;
const dir = join("test-results", "query-samples-fixtures");
const file = join(dir, "long-tick.arrow");

test.beforeAll(() => {
  mkdirSync(dir, { recursive: true });
  const { bytes } = encodeTickRun({
    id: "long-tick",
    environment: "emulated",
    scenario: "idle",
    options: { samples: SAMPLES, worst: { atNs: 100e9, valueNs: 3_210_000 } },
  });
  writeFileSync(file, bytes);
});

/** Count and maximum of the file's samples with from ≤ ts < to, by brute force over the Arrow file. */
function bruteForce(from: number, to: number) {
  const table = tableFromIPC(readFileSync(file));
  const ts = table.getChild("ts_ns")!.toArray() as BigInt64Array;
  const duration = table.getChild("duration_ns")!.toArray() as Uint32Array;
  let count = 0;
  let max = 0;
  for (let i = 0; i < ts.length; i++) {
    const t = Number(ts[i]);
    if (t < from || t >= to) continue;
    count++;
    if (duration[i] > max) max = duration[i];
  }
  return { count, max };
}

test("Query these samples: refused above the cap with the window's count, then the zoomed window's true count and maximum", async ({
  page,
}) => {
  await page.goto("/");
  await page.getByTestId("open-files").setInputFiles([file]);
  await expect(page.locator('[data-testid="run-row"][data-state="ready"]')).toHaveCount(1);
  const timeline = page.getByTestId("panel-timeline");
  await expect(timeline).toHaveAttribute("data-state", "ready");

  // The whole run: every sample, above the cap.
  await page.getByTestId("query-samples").click();
  const note = page.getByTestId("query-samples-note");
  await expect(note).toHaveAttribute("data-state", "refused");
  await expect(note).toContainText(
    `this window holds ${SAMPLES.toLocaleString("en-US")} samples, more than the 5,000,000 that “Query these samples” loads`,
  );
  await expect(page.getByTestId("workbench-panel")).toHaveCount(0);

  // Half the run: under the cap. The window on screen is the link's.
  await page.getByRole("button", { name: "Zoom in" }).click();
  await expect.poll(() => parseViewState(new URL(page.url()).search).from).not.toBeNull();
  await expect(note).toHaveCount(0);
  const { from, to } = parseViewState(new URL(page.url()).search);
  const truth = bruteForce(from!, to!);
  expect(truth.count).toBeGreaterThan(1_000_000);
  expect(truth.count).toBeLessThan(5_000_000);

  await page.getByTestId("query-samples").click();
  const workbench = page.getByTestId("workbench-panel");
  await expect(workbench).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId("sql-samples-window")).toContainText(
    `holds ${truth.count.toLocaleString("en-US")} raw samples of long-tick`,
  );
  await expect(page.locator(".cm-content")).toContainText("FROM samples");
  // Shown, run on the click.
  await expect(page.getByTestId("sql-status")).toHaveAttribute("data-state", "idle");
  await page.getByTestId("sql-run").click();
  await expect(page.getByTestId("sql-status")).toHaveAttribute("data-state", "done");
  const cells = page.locator('[data-testid="sql-result-table"] [data-row="0"] [role="cell"]');
  expect(Number(await cells.nth(0).innerText())).toBe(truth.count);
  expect(Number(await cells.nth(1).innerText())).toBe(truth.max);
  // The footer counts the table's rows.
  await expect(page.locator('[data-testid="duckdb-tables"] [data-table="samples"]')).toHaveAttribute(
    "data-rows",
    String(truth.count),
  );
});
