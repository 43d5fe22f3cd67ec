import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { encodeTickRun } from "./fixtures/bundles";

// A tick run whose writer died inside its sixth batch: five whole batches of 50,000 samples remain.
const dir = join("test-results", "recovered-fixtures");
const file = join(dir, "crashed-tick.arrow");

test.beforeAll(async () => {
  mkdirSync(dir, { recursive: true });
  const { bytes } = encodeTickRun({
    id: "crashed-tick",
    environment: "kvm",
    scenario: "one-to-all",
    options: { samples: 400_000, batchRows: 50_000 },
  });
  // Each batch of 50,000 samples is 600,000 bytes of columns plus its message header.
  const { openRun } = await import("../lib/format/run-reader");
  const blocks = (await openRun(bytes, "crashed-tick.arrow")).blocks!;
  writeFileSync(file, bytes.subarray(0, blocks[5].offset + 1234));
});

test("a run whose writer died opens with what it kept and says it was recovered", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByTestId("empty-state")).toBeVisible();
  await page.getByTestId("open-files").setInputFiles([file]);
  const row = page.locator('[data-testid="run-row"][data-state="ready"]');
  await expect(row).toHaveCount(1);
  await expect(row.getByTestId("run-recovered")).toHaveText(
    /^recovered: 250,000 samples, the run did not finish \(the incomplete message from byte \d+ on is left out\)$/,
  );
  await expect(row).toContainText("250,000");
  await expect(page.getByTestId("run-error")).toHaveCount(0);
  if (process.env.TICKSCOPE_SHOTS)
    await page.screenshot({ path: join(process.env.TICKSCOPE_SHOTS, "recovered-row.png"), fullPage: false });
});
