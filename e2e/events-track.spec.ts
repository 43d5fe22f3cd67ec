import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { formatDuration, formatInstant } from "../lib/analysis/units";
import { buildEventsBundle } from "../lib/format/testing/events-bundle";
import { encodeSyntheticRun, type SyntheticEvents } from "../lib/format/testing/synthetic-trace";

// A 9 s tick run: every 4 ms tick recorded as `local_timer` (2,200 events: binned at the whole run), and
// the once-a-second 50 ms spikes 97% RT throttling (recorded) and 3% unexplained.
const dir = join("test-results", "events-track-fixtures");
const shots = process.env.TICKSCOPE_SHOTS ?? join("test-results", "events-track-shots");
const files: Record<string, string> = {};
let ev: SyntheticEvents;
let baselineNs = 0;

test.beforeAll(() => {
  mkdirSync(dir, { recursive: true });
  mkdirSync(shots, { recursive: true });
  const run = encodeSyntheticRun({
    samples: 130_000,
    jitterNs: 0,
    tickPeriodNs: 4_000_000,
    spikeNs: 50_000_000,
    events: { spike: { kind: "throttle", name: "sched_rt_runtime", share: 0.97 } },
  });
  ev = run.truth.events!;
  baselineNs = run.truth.baselineNs;
  files.bundle = join(dir, "traced.zip");
  writeFileSync(
    files.bundle,
    buildEventsBundle([
      { id: "traced", bytes: run.bytes, events: ev, fields: { environment: "emulated" } },
      { id: "untraced", bytes: run.bytes, events: null, fields: { environment: "emulated" } },
    ]).zip,
  );
});

/** The n-th throttle event (a spike's recorded cause): its index in the events. */
const throttle = (n: number) => ev.kind.map((k, i) => (k === "throttle" ? i : -1)).filter((i) => i >= 0)[n];

async function open(page: Page, search = "") {
  await page.goto(`/${search}`);
  await page.getByTestId("open-files").setInputFiles([files.bundle]);
  await expect(page.getByTestId("panel-timeline")).toHaveAttribute("data-state", "ready");
}

const drawn = async (page: Page) =>
  (await page.getByTestId("timeline-chart").getAttribute("data-drawn"))!.split(":").slice(0, 2).map(Number);

test("the track shows the events on the samples' time axis: binned for the whole run, each known event at its time after a zoom", async ({
  page,
}) => {
  await open(page);
  const chart = page.getByTestId("timeline-chart");
  const track = page.getByTestId("events-track");
  await expect(chart).toHaveAttribute("data-drawn", /^0:/);
  const [w0, w1] = await drawn(page);
  await expect(track).toHaveAttribute("data-window", `${w0}:${w1}`);
  await expect(track).toHaveAttribute("data-binned", "true");
  await expect(track).toHaveAttribute("data-count", String(ev.ts.length));
  await expect(track.locator('[data-testid="event-bin"][data-kind="tick"]').first()).toBeVisible();
  // Zoomed out, the columns are whole fine bins: their own window snapped outward from the one on screen,
  // each column drawn at its true time, its tooltip naming its true span.
  const [b0, b1, n] = (await track.getAttribute("data-bins"))!.split(":").map(Number);
  expect(b0).toBeLessThanOrEqual(w0);
  expect(b1).toBeGreaterThanOrEqual(w1);
  expect(b0 < w0 || b1 > w1).toBe(true);
  // A throttle column well inside the plot (the first spike's may be clipped at its left edge).
  const throttleBins = track.locator('[data-testid="event-bin"][data-kind="throttle"]');
  const starts = (
    await throttleBins.evaluateAll((rects) => rects.map((r) => r.getAttribute("data-from")))
  ).map(Number);
  const inside = starts.findIndex((t) => t > w0 + (w1 - w0) * 0.05);
  expect(inside).toBeGreaterThanOrEqual(0);
  const bin = throttleBins.nth(inside);
  const from = starts[inside];
  await bin.scrollIntoViewIfNeeded();
  const plot = (await chart.boundingBox())!;
  const binBox = (await bin.boundingBox())!;
  expect(Math.abs(binBox.x - (plot.x + 64 + ((from - w0) / (w1 - w0)) * (plot.width - 84)))).toBeLessThan(
    1.5,
  );
  // The pointer's clientX is a whole pixel: the first whole pixel inside the column (at least 1 px wide).
  await page.mouse.move(Math.ceil(binBox.x), binBox.y + binBox.height / 2);
  const step = (b1 - b0) / n;
  await expect(page.getByTestId("events-tooltip")).toContainText(
    /^throttle: \d+ events? starting, .+ covered/,
  );
  await expect(page.getByTestId("events-tooltip")).toContainText(
    `in ${formatInstant(from, step)} – ${formatInstant(from + step, step)}`,
  );
  await page.screenshot({ path: join(shots, "track-whole-run.png"), fullPage: true });
  await page.mouse.move(0, 0);

  await page.getByRole("button", { name: "Zoom to worst spike" }).click();
  await expect(chart).not.toHaveAttribute("data-drawn", /^0:/);
  const [t0, t1] = await drawn(page);
  await expect(track).toHaveAttribute("data-window", `${t0}:${t1}`);
  await expect(track).toHaveAttribute("data-binned", "false");
  const i = ev.ts.findIndex((t, k) => ev.kind[k] === "throttle" && ev.end[k] > t0 && t < t1);
  const mark = track.locator(`[data-testid="event-mark"][data-kind="throttle"][data-ts="${ev.ts[i]}"]`);
  await expect(mark).toHaveAttribute("data-name", "sched_rt_runtime");

  // On the chart's own axis: its plot spans the chart box less the grid's margins (64 px, 20 px).
  await mark.scrollIntoViewIfNeeded();
  const chartBox = (await chart.boundingBox())!;
  const [x0, x1] = (await track.getAttribute("data-plot"))!.split(":").map(Number);
  expect(x0).toBeCloseTo(64, 0);
  expect(x1).toBeCloseTo(chartBox.width - 20, 0);
  const markBox = (await mark.boundingBox())!;
  const expected = chartBox.x + 64 + ((Math.max(ev.ts[i], t0) - t0) / (t1 - t0)) * (chartBox.width - 84);
  expect(Math.abs(markBox.x - expected)).toBeLessThan(1.5);

  await page.mouse.move(markBox.x + 2, markBox.y + markBox.height / 2);
  await expect(page.getByTestId("events-tooltip")).toContainText(
    `throttle sched_rt_runtime: ${formatDuration(ev.end[i] - ev.ts[i])} from ${formatInstant(ev.ts[i], 1)}`,
  );
  await page.screenshot({ path: join(shots, "track-zoomed.png"), fullPage: true });
});

test("clicking a spike on the timeline lists its known causes, not only the worst ten's", async ({
  page,
}) => {
  // The second spike (not the worst), in a window of its own.
  const i = throttle(1);
  await open(page, `?t0=${Math.round(ev.ts[i] - 10e6)}&t1=${Math.round(ev.ts[i] + 60e6)}`);
  const chart = page.getByTestId("timeline-chart");
  await expect(chart).toHaveAttribute("data-drawn", /raw$/);
  const [t0, t1] = await drawn(page);
  const box = (await chart.boundingBox())!;
  // The spike sample starts half a baseline before its interruption.
  const x = box.x + 64 + ((ev.ts[i] - t0) / (t1 - t0)) * (box.width - 84);
  await page.mouse.click(x, box.y + 200);
  const causes = page.getByTestId("sample-causes");
  await expect(causes).toHaveAttribute("data-events", "recorded");
  const rows = causes.getByTestId("spike-cause");
  await expect(rows).toHaveCount(2);
  const throttled = ev.end[i] - ev.ts[i];
  await expect(rows.nth(0)).toHaveAttribute("data-kind", "throttle");
  await expect(rows.nth(0)).toContainText(`throttle sched_rt_runtime${formatDuration(throttled)} overhead`);
  await expect(rows.nth(1)).toHaveAttribute("data-kind", "unexplained");
  await expect(rows.nth(1)).toContainText(/unexplained: the guest did not run \(hypervisor/);
  // The unexplained rest is the sample's overhead less the throttling: 3% of the 50 ms.
  const picked = Number((await causes.getAttribute("data-ts"))!);
  expect(Math.abs(picked - (ev.ts[i] - baselineNs / 2))).toBeLessThan(baselineNs);
  await expect(rows.nth(1)).toContainText(/1\.\d+ ms overhead/);
  await page.getByTestId("timeline-events").screenshot({ path: join(shots, "clicked-spike.png") });
});

test("the track is a toggle kept in the share link", async ({ page }) => {
  await open(page);
  await expect(page.getByTestId("events-track")).toHaveAttribute("data-events", "recorded");
  await page.getByTestId("events-toggle").click();
  await expect(page.getByTestId("events-track")).toHaveCount(0);
  await expect(page).toHaveURL(/[?&]ev=0/);
  await open(page, `?${new URL(page.url()).searchParams.toString()}`);
  await expect(page.getByTestId("events-toggle")).toHaveAttribute("aria-pressed", "false");
  await expect(page.getByTestId("events-track")).toHaveCount(0);
  await page.getByTestId("events-toggle").click();
  await expect(page.getByTestId("events-track")).toHaveAttribute("data-events", "recorded");
});

test("a run without events says so on the timeline, its clicked spike, its families and in Comparison", async ({
  page,
}) => {
  await open(page);
  await page.locator('[data-testid="run-row"][data-run="untraced"] input[type="radio"]').check();
  await expect(page.getByTestId("events-none")).toHaveText(/No kernel events were recorded for this run/);
  await expect(page.getByTestId("events-track")).toHaveCount(0);
  await page.getByRole("button", { name: "Zoom to worst spike" }).click();
  await expect(page.getByTestId("sample-causes")).toHaveAttribute("data-events", "none");
  await expect(page.getByTestId("sample-causes")).toHaveText(/picked sample's causes are unknown/);
  // Said once: the note beside the track is not repeated under the picked sample.
  await expect(page.getByText(/No kernel events were recorded for this run/)).toHaveCount(1);
  await page.screenshot({ path: join(shots, "no-events-timeline.png"), fullPage: true });

  await page.getByRole("tab", { name: "Periodic spikes" }).click();
  await expect(page.getByTestId("family-cause").first()).toHaveText(/cause unknown \(no kernel events\)/);
  await expect(page.getByTestId("spike-causes")).toHaveAttribute("data-events", "none");
  await page.getByRole("tab", { name: "Comparison" }).click();
  await expect(page.locator('[data-testid="attribution-run"][data-run="untraced"]')).toContainText(
    "no kernel events recorded",
  );
  await expect(
    page.locator('[data-testid="attribution-run"][data-run="untraced"] [data-testid="attribution-part"]'),
  ).toHaveCount(0);
});
