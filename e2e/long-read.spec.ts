import { closeSync, mkdirSync, openSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { encodeTickRun } from "./fixtures/bundles";
import { tickTrace } from "./fixtures/synthetic";
import { RunFileWriter } from "../lib/format/run-writer";

// A run without a saved summary, long enough that reading it takes seconds: 100M samples, 1.2 GB.
const SAMPLES = 100_000_000;
const dir = join("test-results", "long-read-fixtures");
const long = join(dir, "long-tick.arrow");
const short = join(dir, "short-tick.arrow");
const later = join(dir, "later-tick.arrow");

test.describe.configure({ timeout: 300_000 });

test.beforeAll(() => {
  mkdirSync(dir, { recursive: true });
  const fd = openSync(long, "w");
  try {
    const writer = new RunFileWriter((chunk) => writeSync(fd, chunk), {
      test: "tick",
      run: { environment: "kvm", scenario: "one-to-all", label: "long" },
    });
    for (const batch of tickTrace({ samples: SAMPLES, batchRows: 1 << 17 })) writer.writeSamples(batch);
    writer.finish();
  } finally {
    closeSync(fd);
  }
  for (const [file, id] of [
    [short, "short"],
    [later, "later"],
  ])
    writeFileSync(
      file,
      encodeTickRun({ id, environment: "kvm", scenario: "one-to-all", options: { samples: 50_000 } }).bytes,
    );
});

test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("a long run read from its samples shows its progress and time left, and a cancel leaves the other runs working", async ({
  page,
}) => {
  await page.goto("/");
  await page.getByTestId("open-files").setInputFiles([long, short]);
  const longRow = page.locator('[data-testid="run-row"][data-run="long-tick"]');
  const shortRow = page.locator('[data-testid="run-row"][data-run="short-tick"]');
  await expect(shortRow).toHaveAttribute("data-state", "ready");

  // Bytes and samples read, and once a second of the read has been seen, the time it still takes.
  await expect(longRow.getByTestId("run-progress")).toContainText(
    /[\d.]+ (kB|MB|GB) \/ 1\.20 GB · [\d,]+ samples/,
  );
  await expect(longRow.getByTestId("run-time-left")).toHaveText(
    / · (about \d+ (s|min \d+ s)|less than 1 s) left/,
  );
  const read = async () =>
    Number(
      (await longRow.getByTestId("run-progress").textContent())!
        .match(/· ([\d,]+) samples/)![1]
        .replaceAll(",", ""),
    );
  const before = await read();
  await expect.poll(read).toBeGreaterThan(before);
  expect(await read()).toBeLessThan(SAMPLES);
  if (process.env.TICKSCOPE_SHOTS)
    await page.screenshot({ path: join(process.env.TICKSCOPE_SHOTS, "long-read-progress.png") });

  await longRow.getByRole("button", { name: "Cancel reading long-tick.arrow" }).click();
  await expect(longRow).toHaveAttribute("data-state", "cancelled");
  await expect(longRow.getByTestId("run-cancelled")).toHaveText(
    /^cancelled after [\d.]+ (kB|MB|GB) of 1\.20 GB —\s*open again$/,
  );
  await expect(page.getByTestId("run-error")).toHaveCount(0);
  // The page is not blank: the other run's timeline is on screen, and runs opened now open.
  await expect(page.locator('[data-testid="panel-timeline"][data-state="ready"]')).toBeVisible();
  await page.getByTestId("open-files").setInputFiles([later]);
  await expect(page.locator('[data-testid="run-row"][data-run="later-tick"]')).toHaveAttribute(
    "data-state",
    "ready",
  );
  await expect(longRow).toHaveAttribute("data-state", "cancelled");
  if (process.env.TICKSCOPE_SHOTS)
    await page.screenshot({ path: join(process.env.TICKSCOPE_SHOTS, "long-read-cancelled.png") });

  // Opened again, it is read from the start to the end.
  await longRow.getByRole("button", { name: "Open long-tick.arrow again" }).click();
  await expect(longRow).toHaveAttribute("data-state", "loading");
  await expect(longRow).toHaveAttribute("data-state", "ready", { timeout: 200_000 });
  await expect(longRow).toContainText("100,000,000");
});
