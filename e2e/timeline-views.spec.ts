import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { tickBundle } from "./fixtures/bundles";
import type { TickTraceTruth } from "./fixtures/synthetic";

// One 30 s tick run with known truth (a 7.19 ms worst spike at 12.345 s), in a bundle with a host.
const dir = join("test-results", "timeline-views-fixtures");
const bundlePath = join(dir, "study.zip");
let truth: TickTraceTruth;

test.beforeAll(() => {
  mkdirSync(dir, { recursive: true });
  const bundle = tickBundle([
    {
      id: "emulated-tick",
      environment: "emulated",
      scenario: "one-to-all",
      options: { samples: 440_000, worst: { atNs: 12.345e9, valueNs: 7_190_000 } },
    },
  ]);
  writeFileSync(bundlePath, bundle.zip);
  truth = bundle.truths["emulated-tick"];
});

async function openRun(page: Page, search = "") {
  await page.goto(`/${search}`);
  await expect(page.getByTestId("empty-state")).toBeVisible();
  await page.getByTestId("open-files").setInputFiles([bundlePath]);
  await expect(page.getByTestId("panel-timeline")).toHaveAttribute("data-state", "ready");
  await expect(page.getByTestId("timeline-chart")).toHaveAttribute("data-drawn", /^0:/);
  // Nothing focused: the keys must work without a click on the chart first.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
}

const drawnWindow = async (page: Page) =>
  (await page.getByTestId("timeline-chart").getAttribute("data-drawn"))!.split(":").slice(0, 2).map(Number);
const seconds = (ns: number) => `${(ns / 1e9).toFixed(9)} s`;
const tooltip = (page: Page) =>
  page
    .getByTestId("timeline-chart")
    .locator("div")
    .filter({ hasText: /duration/ })
    .last();

test("the keyboard zooms the timeline without a click on the chart, but not while typing", async ({
  page,
}) => {
  await openRun(page);
  const [, end] = await drawnWindow(page);
  expect(await page.evaluate(() => document.activeElement === document.body)).toBe(true);
  await page.keyboard.press("+");
  await expect(page.getByTestId("timeline-chart")).not.toHaveAttribute("data-drawn", /^0:/);
  const [t0, t1] = await drawnWindow(page);
  expect((t1 - t0) / end).toBeCloseTo(0.5, 2);
  expect((t0 + t1) / 2 / end).toBeCloseTo(0.5, 2);

  // In the threshold field "+" is text, not a zoom.
  const input = page.getByLabel(/Spike threshold/);
  await input.focus();
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("+");
  await page.waitForTimeout(500);
  expect(await drawnWindow(page)).toEqual([t0, t1]);

  await input.blur();
  await page.keyboard.press("Home");
  await expect(page.getByTestId("timeline-chart")).toHaveAttribute("data-drawn", /^0:/);
});

test("hover reads the exact time and value; a stall reads as the span it covers", async ({ page }) => {
  await openRun(page);
  const chart = page.getByTestId("timeline-chart");
  const box = (await chart.boundingBox())!;
  const grid = { left: 64, right: 20, top: 28, bottom: 72 };
  const plot = box.width - grid.left - grid.right;

  // The whole run: one pixel column per hover, its max with the exact time it happened.
  await page.mouse.move(box.x + grid.left + plot * 0.3, box.y + box.height / 2);
  await expect(tooltip(page)).toContainText(/max [\d.]+ [µm]?s duration at \d+\.\d{9} s/);

  // Zoomed to the worst spike (7.19 ms, the window's middle): hovering over the time it covers reads it.
  await page.getByRole("button", { name: "Zoom to worst spike" }).click();
  await expect(chart).toHaveAttribute("data-drawn", /raw$/);
  const [t0, t1] = await drawnWindow(page);
  const inside = truth.worst!.ts + truth.worst!.value / 2;
  await page.mouse.move(box.x + grid.left + ((inside - t0) / (t1 - t0)) * plot, box.y + box.height / 2);
  const text = tooltip(page);
  await expect(text).toContainText("one sample: 7.19 ms duration");
  await expect(text).toContainText(`from ${seconds(truth.worst!.ts)}`);
  await expect(text).toContainText(`to ${seconds(truth.worst!.ts + truth.worst!.value)}`);

  // The picked sample's marker goes once the view moves away from it.
  await expect(page.getByTestId("picked-value")).toHaveText("7.19 ms");
  for (let i = 0; i < 4; i++) await page.keyboard.press("ArrowRight");
  await expect(page.getByTestId("picked")).toHaveText("Click a spike to read its exact time and value.");
});

test("the log duration axis is a toggle kept in the link", async ({ page }) => {
  await openRun(page);
  const toggle = page.getByRole("button", { name: "Log axis" });
  await expect(toggle).toHaveAttribute("aria-pressed", "false");
  await toggle.click();
  await expect(toggle).toHaveAttribute("aria-pressed", "true");
  await expect(page).toHaveURL(/[?&]ylog=1(&|$)/);
  const link = new URL(page.url()).search;
  await openRun(page, link);
  await expect(page.getByRole("button", { name: "Log axis" })).toHaveAttribute("aria-pressed", "true");
  await page.getByRole("button", { name: "Log axis" }).click();
  await expect(page).not.toHaveURL(/[?&]ylog=/);
});

test("a PNG export is titled above the chart and twice the chart's pixel density", async ({ page }) => {
  await openRun(page);
  const chart = page.getByTestId("timeline-chart");
  const box = (await chart.boundingBox())!;
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: /Save timeline-.* as PNG/ }).click();
  const file = await (await download).path();
  const png = readFileSync(file!);
  expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  // The chart's size on screen, plus the title block (title and three lines), at pixel ratio 2.
  expect(width).toBe(Math.round(box.width) * 2);
  expect(height).toBe((Math.round(box.height) + 88) * 2);

  // Decoded in the page: the title block holds drawn text, not only the background colour.
  const header = await page.evaluate(async (base64) => {
    const image = new Image();
    image.src = `data:image/png;base64,${base64}`;
    await image.decode();
    const canvas = document.createElement("canvas");
    canvas.width = image.width;
    canvas.height = image.height;
    const context = canvas.getContext("2d")!;
    context.drawImage(image, 0, 0);
    const band = context.getImageData(0, 0, 600, 88 * 2).data;
    const colours = new Set<number>();
    for (let i = 0; i < band.length; i += 4) colours.add((band[i] << 16) | (band[i + 1] << 8) | band[i + 2]);
    return colours.size;
  }, png.toString("base64"));
  expect(header).toBeGreaterThan(10);
});
