import { describe, expect, it } from "vitest";
import type { HeatmapCells } from "@/lib/workspace/types";
import { histogramOption, percentileOption } from "./distribution";
import { HEAT_PALETTES, heatmapOption } from "./heatmap";
import { tickPatternOption } from "./tick-pattern";

type AnyOption = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function rgb(hex: string): number[] {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
}
/** WCAG relative luminance. */
function luminance(hex: string): number {
  const [r, g, b] = rgb(hex).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
function chroma(hex: string): number {
  const c = rgb(hex);
  return Math.max(...c) - Math.min(...c);
}

const cells: HeatmapCells = {
  periodNs: 1e9,
  phaseNs: 0,
  secondStart: 0,
  seconds: 2,
  rows: 2,
  values: Float64Array.from([120_000, 130_000, 125_000, 54_160_000]),
  maxValue: 54_160_000,
};

describe("the heat map's colour bar", () => {
  it("names its scale at both ends, in units", () => {
    const option = heatmapOption(cells) as AnyOption;
    expect(option.visualMap.text).toEqual(["54.2 ms", "0 ns"]);
    expect(option.visualMap.formatter(27_000_000)).toBe("27 ms");
  });

  it("runs low → high in one direction of lightness, with no grey middle, in either theme", () => {
    const light = HEAT_PALETTES.light.map(luminance);
    const dark = HEAT_PALETTES.dark.map(luminance);
    // On a light page high values are dark; on a dark page they are bright.
    for (let i = 1; i < light.length; i++) expect(light[i]).toBeLessThan(light[i - 1]);
    for (let i = 1; i < dark.length; i++) expect(dark[i]).toBeGreaterThan(dark[i - 1]);
    for (const color of [...HEAT_PALETTES.light, ...HEAT_PALETTES.dark])
      expect(chroma(color)).toBeGreaterThan(0.15);
    const option = heatmapOption(cells, HEAT_PALETTES.dark) as AnyOption;
    expect(option.visualMap.inRange.color).toEqual([...HEAT_PALETTES.dark]);
  });
});

describe("tick-pattern labels", () => {
  // The demo's levels on this VM: 32.5 µs and 42.5 µs, 10 µs apart.
  const option = tickPatternOption({
    t0: 8_430_000_000,
    t1: 8_433_989_000,
    ts: [8_430_100_000, 8_430_300_000],
    value: [32_500, 42_500],
    noTickNs: 32_500,
    tickNs: 42_500,
  }) as AnyOption;

  it("hang the lower level's label below its line and stand the upper one above, so they never overlap", () => {
    const [noTick, tick] = option.series[0].markLine.data;
    expect(noTick.label).toMatchObject({ formatter: "no tick 32.5 µs", verticalAlign: "top" });
    expect(tick.label).toMatchObject({ verticalAlign: "bottom" });
    expect(tick.label.formatter).toBe("tick cost 10 µs\ntick 42.5 µs");
  });

  it("end the duration axis on whole steps, so no end label crowds a tick", () => {
    const { min, max, interval } = option.yAxis;
    expect(interval).toBeGreaterThan(0);
    expect(min / interval).toBeCloseTo(Math.round(min / interval), 9);
    expect(max / interval).toBeCloseTo(Math.round(max / interval), 9);
    expect(min).toBeLessThanOrEqual(32_500 * 0.9);
    expect(max).toBeGreaterThanOrEqual(42_500);
    // The time axis's end (3989 µs in) falls between ticks: it gets no label of its own.
    expect(option.xAxis.axisLabel.showMaxLabel).toBe(false);
  });
});

describe("legends", () => {
  it("start right of the value axis's name, which is drawn above the axis", () => {
    const series = [{ name: "a run with a long label", lower: [1000], upper: [2000], counts: [5] }];
    const points = [{ name: "a run with a long label", points: [{ p: 99, value: 80_000 }] }];
    for (const option of [
      histogramOption(series, "duration"),
      percentileOption(points, "duration"),
    ] as AnyOption[]) {
      const nameHalfWidthPx = (String(option.yAxis.name).length * 7) / 2;
      expect(option.legend.top).toBe(0);
      expect(option.legend.left).toBeGreaterThan(option.grid.left + nameHalfWidthPx);
    }
  });
});
