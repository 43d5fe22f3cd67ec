import { describe, expect, it } from "vitest";
import { formatThreshold } from "@/lib/analysis/threshold";
import { SERIES_NAMES } from "./options/timeline";
import { drawAxes, durationTicks, legendEntries, timeTicks } from "./timeline-axes";
import { plotMapping } from "./timeline-layer";

/** A 2D context that records the text it writes and the segments it strokes. */
function recorder() {
  const texts: { text: string; x: number; y: number }[] = [];
  const segments: [number, number, number, number][] = [];
  let at: [number, number] = [0, 0];
  const context = {
    font: "",
    save() {},
    restore() {},
    clip() {},
    rect() {},
    beginPath() {},
    closePath() {},
    stroke() {},
    fill() {},
    arc() {},
    setLineDash() {},
    measureText: (text: string) => ({ width: text.length * 6 }),
    fillText: (text: string, x: number, y: number) => texts.push({ text, x, y }),
    moveTo: (x: number, y: number) => (at = [x, y]),
    lineTo: (x: number, y: number) => {
      segments.push([at[0], at[1], x, y]);
      at = [x, y];
    },
  };
  return { context: context as unknown as CanvasRenderingContext2D, texts, segments };
}

const style = {
  columns: "#47e",
  points: "#e74",
  line: "#ccc",
  label: "#666",
  font: "11px sans-serif",
  stall: "#0a0",
  marker: "#c0c",
  threshold: "#90f",
};

describe("the timeline's axes drawn on the canvas", () => {
  it("ticks the time axis on ECharts' nice steps, in the units the window's span reads in", () => {
    const whole = timeTicks(0, 10e9);
    expect(whole.name).toBe("time (s)");
    expect(whole.ticks.map((t) => t.label)).toEqual(["0", "2", "4", "6", "8", "10"].map((s) => `${s}.0`));
    // 40 ms deep in the run: ms counted from a round origin the name gives.
    const close = timeTicks(12.31e9, 12.35e9);
    expect(close.name).toBe("time (ms after 12.3 s)");
    expect(close.ticks[0].at).toBeGreaterThanOrEqual(12.31e9);
    expect(close.ticks.at(-1)!.at).toBeLessThanOrEqual(12.35e9);
    expect(close.ticks.map((t) => t.label)).toEqual(["10", "20", "30", "40", "50"]);
    // A few µs: every tick a whole step apart, inside the window.
    const tiny = timeTicks(1_000_000_123, 1_000_004_000);
    const steps = tiny.ticks.slice(1).map((t, i) => t.at - tiny.ticks[i].at);
    expect(new Set(steps.map((s) => Math.round(s))).size).toBe(1);
    expect(tiny.ticks.every((t) => t.at >= 1_000_000_123 && t.at <= 1_000_004_000)).toBe(true);
  });

  it("ticks the duration axis from its bottom in whole steps, or at each power of ten", () => {
    expect(durationTicks({ min: 0, max: 8000, interval: 2000, log: false }).map((t) => t.label)).toEqual([
      "0",
      "2 µs",
      "4 µs",
      "6 µs",
      "8 µs",
    ]);
    expect(durationTicks({ min: 10, max: 10_000, log: true }).map((t) => t.label)).toEqual([
      "10 ns",
      "100 ns",
      "1 µs",
      "10 µs",
    ]);
  });

  it("writes each tick's label under its tick, leaving out labels that would overlap", () => {
    const { context, texts } = recorder();
    const map = plotMapping(1084, 400, 0, 10e9, { min: 0, max: 8000, interval: 2000, log: false });
    drawAxes(
      context,
      map,
      {
        t0: 0,
        t1: 10e9,
        range: { min: 0, max: 8000, interval: 2000, log: false },
        thresholdNs: null,
        stalls: [],
        marker: null,
        raw: false,
      },
      style,
    );
    const under = texts.filter((t) => t.y > map.top + map.height);
    expect(under.map((t) => t.text)).toEqual(["0.0", "2.0", "4.0", "6.0", "8.0", "10.0", "time (s)"]);
    expect(under[1].x).toBeCloseTo(map.x(2e9));
    expect(texts.map((t) => t.text)).toContain("8 µs");
    expect(texts.map((t) => t.text)).toContain("duration");

    // 1000 px for a hundred labels: only those with room are written, still under their ticks.
    const crowded = recorder();
    const narrow = plotMapping(200, 400, 0, 10e9, { min: 0, max: 1, log: false });
    drawAxes(
      crowded.context,
      narrow,
      {
        t0: 0,
        t1: 10e9,
        range: { min: 0, max: 1, log: false },
        thresholdNs: null,
        stalls: [],
        marker: null,
        raw: false,
      },
      style,
    );
    const labels = crowded.texts.filter((t) => t.y > narrow.top + narrow.height && t.text !== "time (s)");
    for (let i = 1; i < labels.length; i++)
      expect(labels[i].x - labels[i - 1].x).toBeGreaterThanOrEqual(
        (labels[i].text.length * 6) / 2 + (labels[i - 1].text.length * 6) / 2 + 4,
      );
  });

  it("draws the threshold at its value with its unit, and a stall over the time it covers", () => {
    const { context, texts, segments } = recorder();
    const range = { min: 0, max: 8000, interval: 2000, log: false };
    const map = plotMapping(1084, 400, 0, 40_000, range);
    drawAxes(
      context,
      map,
      { t0: 0, t1: 40_000, range, thresholdNs: 4000, stalls: [[10_000, 7190]], marker: null, raw: false },
      style,
    );
    expect(texts.map((t) => t.text)).toContain("threshold 4 µs");
    const stall = segments.find(([, y0, , y1]) => y0 === y1 && Math.abs(y0 - map.y(7190)) < 1e-9);
    expect(stall?.[0]).toBeCloseTo(map.x(10_000));
    expect(stall?.[2]).toBeCloseTo(map.x(17_190));
  });

  it("writes the threshold as the threshold field does (100.27 µs, not rounded to 100 µs)", () => {
    const { context, texts } = recorder();
    const range = { min: 0, max: 200_000, interval: 50_000, log: false };
    const map = plotMapping(1084, 400, 0, 40_000, range);
    const marks = { t0: 0, t1: 40_000, range, thresholdNs: 100_270, stalls: [], marker: null, raw: false };
    drawAxes(context, map, marks, style);
    expect(texts.map((t) => t.text)).toContain("threshold 100.27 µs");
    expect(formatThreshold(100_270)).toBe("100.27 µs");
  });

  it("names in the legend what is drawn: points or columns, stalls and the picked sample only when shown", () => {
    const range = { min: 0, max: 8000, log: false };
    const base = { t0: 0, t1: 40_000, range, thresholdNs: null, stalls: [], marker: null, raw: false };
    expect(legendEntries(base, style).map((e) => e.name)).toEqual([SERIES_NAMES.columns]);
    const marker = { ts: 10_000, value: 7190 };
    const full = { ...base, raw: true, stalls: [[10_000, 7190]] as [number, number][], marker };
    expect(legendEntries(full, style).map((e) => e.name)).toEqual([
      SERIES_NAMES.samples,
      SERIES_NAMES.stalls,
      SERIES_NAMES.marker,
    ]);
    expect(legendEntries({ ...full, t0: 20_000 }, style).map((e) => e.name)).not.toContain(
      SERIES_NAMES.marker,
    );
    const { context, texts } = recorder();
    drawAxes(context, plotMapping(1084, 400, 0, 40_000, range), full, style);
    const names = texts.filter((t) => t.y < 10).map((t) => t.text);
    expect(names).toEqual([SERIES_NAMES.samples, SERIES_NAMES.stalls, SERIES_NAMES.marker]);
  });
});
