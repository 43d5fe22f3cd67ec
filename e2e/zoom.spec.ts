import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { tickBundle } from "./fixtures/bundles";
import type { TickTraceTruth } from "./fixtures/synthetic";

// One 30 s tick run with known truth: a 7.19 ms worst sample at 12.345 s, every other sample under 1 ms.
const dir = join("test-results", "zoom-fixtures");
const bundlePath = join(dir, "zoom.zip");
let truth: TickTraceTruth;

test.beforeAll(() => {
  mkdirSync(dir, { recursive: true });
  const bundle = tickBundle([
    {
      id: "zoom-tick",
      environment: "emulated",
      scenario: "one-to-all",
      options: { samples: 440_000, worst: { atNs: 12.345e9, valueNs: 7_190_000 } },
    },
  ]);
  writeFileSync(bundlePath, bundle.zip);
  truth = bundle.truths["zoom-tick"];
});

/**
 * The run worker's window answers arrive late, each after its own delay (`window.__answerDelay(n)` ms
 * for the n-th), so that answers to windows the input has already left come in while it moves on.
 * `window.__holdAnswers()` keeps every answer back until `window.__releaseAnswers()`, so that what is
 * drawn before the exact answer can be looked at however slow the machine is.
 */
const LATE_ANSWERS = `
window.__answerDelay = (n) => [400, 30, 250, 5, 600][n % 5];
let held = null;
window.__holdAnswers = () => { held = held || []; };
window.__releaseAnswers = () => { const due = held || []; held = null; for (const deliver of due) deliver(); };
const Base = window.Worker;
window.Worker = class extends Base {
  set onmessage(handler) {
    let n = 0;
    super.onmessage = (event) => {
      if (!(event.data && event.data.type === "window")) return handler(event);
      const deliver = () => handler(event);
      if (held) held.push(deliver);
      else setTimeout(deliver, window.__answerDelay(n++));
    };
  }
};`;

interface AnswerGate {
  __holdAnswers(): void;
  __releaseAnswers(): void;
}
const holdAnswers = (page: Page) => page.evaluate(() => (window as unknown as AnswerGate).__holdAnswers());
const releaseAnswers = (page: Page) => page.evaluate(() => (window as unknown as AnswerGate).__releaseAnswers());

async function openRun(page: Page) {
  await page.addInitScript(LATE_ANSWERS);
  await page.goto("/");
  await page.getByTestId("open-files").setInputFiles([bundlePath]);
  await expect(page.getByTestId("panel-timeline")).toHaveAttribute("data-state", "ready");
  await expect(page.getByTestId("timeline-chart")).toHaveAttribute("data-drawn", /^0:/);
}

const grid = { left: 64, right: 20 };

/** The chart's state: the window on screen, the window of the exact answer drawn, its largest value. */
async function chartState(page: Page) {
  const chart = page.getByTestId("timeline-chart");
  const shown = (await chart.getAttribute("data-shown"))!.split(":").map(Number);
  const drawn = (await chart.getAttribute("data-drawn"))!.split(":");
  return {
    shown,
    drawn: drawn.slice(0, 2).map(Number),
    source: drawn[2],
    max: Number(await chart.getAttribute("data-drawn-max")),
  };
}

/** Waits until the exact answer drawn is the one for the window on screen. */
async function settled(page: Page) {
  await expect
    .poll(async () => {
      const { shown, drawn } = await chartState(page);
      return shown[0] === drawn[0] && shown[1] === drawn[1];
    })
    .toBe(true);
  return chartState(page);
}

test("after 20 fast wheel events over a spike, with answers arriving late, the chart draws its exact value", async ({
  page,
}) => {
  await openRun(page);
  const chart = page.getByTestId("timeline-chart");
  const box = (await chart.boundingBox())!;
  const plot = box.width - grid.left - grid.right;
  const [, end] = (await chartState(page)).shown;
  const worst = truth.worst!;
  // The pointer on the worst sample's middle; every notch zooms in around it, without waiting.
  const x = box.x + grid.left + ((worst.ts + worst.value / 2) / end) * plot;
  await page.mouse.move(x, box.y + box.height / 2);
  for (let i = 0; i < 20; i++) await page.mouse.wheel(0, -100);
  // The last notches are applied at the next frame.
  await page.waitForTimeout(200);

  const final = await settled(page);
  expect(final.shown[1] - final.shown[0]).toBeLessThan(end / 20);
  expect(final.shown[0]).toBeLessThanOrEqual(worst.ts);
  expect(final.shown[1]).toBeGreaterThan(worst.ts);
  // The exact sample, not a bound from a coarser level: the drawn maximum is the sample's own value.
  expect(final.max).toBe(worst.value);
  // The answers late in arriving are not drawn after it.
  await page.waitForTimeout(1500);
  expect(await chartState(page)).toEqual(final);
});

test("a zoom draws at once from what the page holds, then the exact answer replaces it", async ({ page }) => {
  await openRun(page);
  const chart = page.getByTestId("timeline-chart");
  const before = await settled(page);
  await holdAnswers(page);
  await chart.focus();
  await page.keyboard.press("+");

  // At once: the new window on screen, drawn from the answer the page already had (not a blank plot).
  await expect
    .poll(async () => (await chartState(page)).shown[1] - (await chartState(page)).shown[0])
    .toBeCloseTo((before.shown[1] - before.shown[0]) / 2, -3);
  const intermediate = await chartState(page);
  expect(intermediate.drawn).toEqual(before.drawn);
  const inked = await page.getByTestId("timeline-layer").evaluate((canvas: HTMLCanvasElement) => {
    const data = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data;
    let alpha = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) alpha++;
    return alpha;
  });
  expect(inked).toBeGreaterThan(100);

  // Then the exact answer for the new window, with the worst sample (it lies in the middle half).
  await releaseAnswers(page);
  const exact = await settled(page);
  expect(exact.drawn).toEqual(intermediate.shown);
  expect(exact.max).toBe(truth.worst!.value);

  // Zooming out again: the answer drawn covers the middle half only; the page's coarse levels fill the
  // whole window at once, then the exact answer replaces them.
  await holdAnswers(page);
  await page.keyboard.press("-");
  await expect(chart).toHaveAttribute("data-fill", /^0:\d+:coarse$/);
  expect((await chartState(page)).drawn).toEqual(exact.drawn);
  await releaseAnswers(page);
  const whole = await settled(page);
  await expect(chart).toHaveAttribute("data-fill", "");
  expect(Math.abs(whole.shown[0] - before.shown[0])).toBeLessThan(1);
  expect(Math.abs(whole.shown[1] - before.shown[1])).toBeLessThan(1);
  expect(whole.max).toBe(truth.worst!.value);
});

test("a key draws the new window in its own task, never a blank plot, and asks for the exact answer at once", async ({
  page,
}) => {
  await openRun(page);
  await settled(page);
  await page.getByTestId("timeline-chart").focus();
  for (const key of ["+", "+", "+"]) {
    await page.keyboard.press(key);
    await settled(page);
  }
  // Answers late by 300 ms: each key draws from what the page holds meanwhile.
  await page.evaluate(() => {
    (window as unknown as { __answerDelay: () => number }).__answerDelay = () => 300;
  });
  const steps = await page.evaluate(() => {
    const chart = document.querySelector<HTMLElement>('[data-testid="timeline-chart"]')!;
    const layer = document.querySelector<HTMLCanvasElement>('[data-testid="timeline-layer"]')!;
    const context = layer.getContext("2d")!;
    const inked = () => {
      const data = context.getImageData(0, 0, layer.width, layer.height).data;
      let alpha = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) alpha++;
      return alpha;
    };
    const out: { moved: boolean; inked: number }[] = [];
    for (let i = 0; i < 12; i++) {
      const before = chart.dataset.shown;
      chart.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowRight", bubbles: true }));
      // Still inside the key's task: no React render, no frame has run since.
      out.push({ moved: chart.dataset.shown !== before, inked: inked() });
    }
    return out;
  });
  for (const step of steps) {
    expect(step.moved).toBe(true);
    expect(step.inked).toBeGreaterThan(100);
  }
  // The last window's exact answer replaces the picture once it arrives.
  const final = await settled(page);
  expect(final.source).not.toBe("coarse");
});
