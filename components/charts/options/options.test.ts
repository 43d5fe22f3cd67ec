import { describe, expect, it } from "vitest";
import type { HeatmapCells } from "@/lib/workspace/types";
import { histogramOption, nines, ninesLabel, percentileOption } from "./distribution";
import { cellWindow, heatmapData, heatmapOption, hottestCells } from "./heatmap";
import { tickLevels, tickPatternOption } from "./tick-pattern";
import { timeAxisLabels } from "./time-axis";
import { m4Path, pickColumn, pickSample, timelineOption } from "./timeline";
import { fourColumns as window, type AnyOption } from "./testing/window-columns";

describe("timeline option", () => {
  it("draws the M4 line: each column's min and max in the order they happened, a break at an empty column", () => {
    expect(m4Path(window())).toEqual([
      [500, 68],
      [500, 76],
      [1500, 68],
      [1500, 7190],
      [2500, null],
      [3500, 70],
      [3500, 80],
    ]);
    const maxFirst = window({ minTs: Float64Array.from([600, 1100, 0, 3010]) });
    expect(m4Path(maxFirst).slice(0, 2)).toEqual([
      [500, 76],
      [500, 68],
    ]);
  });

  it("a click picks the largest maximum near the pointer, with its exact time", () => {
    expect(pickColumn(window(), 2100, 200)).toEqual({ ts: 1500, value: 7190 });
    expect(pickColumn(window(), 3500, 100)).toEqual({ ts: 3900, value: 80 });
    const raw = { ts: Float64Array.from([10, 20, 30]), value: Float64Array.from([68, 7190, 70]) };
    expect(pickSample(raw, 26, 8)).toEqual({ ts: 20, value: 7190 });
    expect(pickSample(raw, 100, 8)).toBeNull();
  });

  it("shows the whole run on the slider with the window zoomed and the threshold marked", () => {
    const option = timelineOption({
      window: window(),
      startNs: 0,
      endNs: 3.6e12,
      t0: 0,
      t1: 4000,
      thresholdNs: 1000,
    }) as AnyOption;
    expect(option.xAxis).toMatchObject({ min: 0, max: 3.6e12 });
    expect(option.dataZoom.map((z: AnyOption) => [z.type, z.startValue, z.endValue])).toEqual([
      ["inside", 0, 4000],
      ["slider", 0, 4000],
    ]);
    const [columns, samples] = option.series;
    expect(columns.type).toBe("line");
    expect(columns.data).toHaveLength(7);
    expect(columns.markLine.data).toEqual([{ yAxis: 1000 }]);
    expect(samples.data).toEqual([]);
  });

  it("draws raw samples as points when the window holds few", () => {
    const raw = { ts: Float64Array.from([1, 2, 3]), value: Float64Array.from([68, 7190, 70]) };
    const option = timelineOption({
      window: window({ raw, source: "raw" }),
      startNs: 0,
      endNs: 10,
      t0: 0,
      t1: 4,
      thresholdNs: 100,
    }) as AnyOption;
    const [columns, samples] = option.series;
    expect(columns.data).toEqual([]);
    expect(samples.data).toEqual([
      [1, 68],
      [2, 7190],
      [3, 70],
    ]);
    expect(samples.markLine.data).toEqual([{ yAxis: 100 }]);
  });
});

describe("time axis", () => {
  it("reads an hour in seconds", () => {
    const axis = timeAxisLabels(0, 3.6e12);
    expect(axis.unit).toBe("s");
    expect(axis.format(1_800e9)).toBe("1800");
  });

  it("reads one tick period deep in a run as µs after a round origin", () => {
    const axis = timeAxisLabels(1_234_567_000_000, 1_234_568_000_000);
    expect(axis.unit).toBe("µs");
    expect(axis.origin).toBe(1_234_567_000_000);
    expect(axis.format(1_234_567_500_000)).toBe("500");
    expect(axis.name).toBe("time (µs after 1234.567 s)");
  });
});

describe("distribution options", () => {
  it("spaces the percentile spectrum by nines", () => {
    expect(nines(90)).toBeCloseTo(1);
    expect(nines(99.9)).toBeCloseTo(3);
    expect([0, 1, 2, 3, 5].map(ninesLabel)).toEqual(["0%", "90%", "99%", "99.9%", "99.999%"]);
  });

  it("keeps a run's label as text in the percentile tooltip's HTML", () => {
    const label = `<img src=x onerror=alert(1)> & "q"`;
    const spectrum = percentileOption(
      [{ name: label, points: [{ p: 99, value: 80_000 }] }],
      "duration",
    ) as AnyOption;
    const html: string = spectrum.tooltip.formatter({ seriesName: label, data: [2, 80_000, 99] });
    expect(html).not.toContain("<img");
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt; &amp; &quot;q&quot;");
  });

  it("overlays one series per run and leaves out the 100th percentile and empty bins", () => {
    const spectrum = percentileOption(
      [
        {
          name: "a",
          points: [
            { p: 50, value: 68_000 },
            { p: 99.9, value: 76_000 },
            { p: 100, value: 7e6 },
          ],
        },
        { name: "b", points: [{ p: 99, value: 80_000 }] },
      ],
      "duration",
    ) as AnyOption;
    expect(spectrum.series.map((s: AnyOption) => s.name)).toEqual(["a", "b"]);
    expect(spectrum.series[0].data).toHaveLength(2);
    expect(spectrum.series[0].data[1][0]).toBeCloseTo(3);
    const histogram = histogramOption(
      [{ name: "a", lower: [1000, 1100, 4000], upper: [1100, 1200, 4400], counts: [5, 3, 2] }],
      "overhead",
    ) as AnyOption;
    expect(histogram.xAxis.type).toBe("log");
    expect(histogram.xAxis.name).toBe("overhead (log)");
    // Adjacent bins join; the outline drops to the floor (under 1) where bins are empty.
    expect(histogram.series[0].data).toEqual([
      [1000, 0.5, null, null],
      [1000, 5, 1000, 1100],
      [1100, 3, 1100, 1200],
      [1200, 0.5, null, null],
      [4000, 0.5, null, null],
      [4000, 2, 4000, 4400],
      [4400, 0.5, null, null],
    ]);
  });

  it("names the kind and the unit in the histogram's tooltip header", () => {
    const histogram = histogramOption(
      [{ name: "a", lower: [34_000], upper: [34_800], counts: [1200] }],
      "duration",
    ) as AnyOption;
    const html: string = histogram.tooltip.formatter([
      { marker: "", seriesName: "a", axisValue: 34_180, data: [34_000, 1200, 34_000, 34_800] },
    ]);
    expect(html.split("<br/>")[0]).toBe("duration 34.2 µs");
    expect(html).toContain("<b>1,200</b> samples from 34 µs to 34.8 µs");
  });
});

describe("heat map option", () => {
  const cells: HeatmapCells = {
    periodNs: 1e9,
    phaseNs: 0,
    secondStart: 10,
    seconds: 2,
    rows: 4,
    values: Float64Array.from([1, NaN, 3, 4, 5, 6, 7, 8_000_000]),
    maxValue: 8_000_000,
  };

  it("keeps only cells that saw a sample and scales colour to the maximum", () => {
    expect(heatmapData(cells)).toHaveLength(7);
    expect(heatmapData(cells).at(-1)).toEqual([1, 3, 8_000_000]);
    const option = heatmapOption(cells) as AnyOption;
    expect(option.visualMap.max).toBe(8_000_000);
    expect(option.xAxis.data).toEqual(["10", "11"]);
  });

  it("lists the hottest cells first", () => {
    expect(hottestCells(cells, 2)).toEqual([
      { second: 1, row: 3, value: 8_000_000 },
      { second: 1, row: 2, value: 7 },
    ]);
  });

  it("maps a cell back to its time window", () => {
    expect(cellWindow(cells, 1, 3)).toEqual({ t0: 11.75e9, t1: 12e9 });
    expect(cellWindow({ ...cells, periodNs: 1e6 }, 1, 3)).toEqual({ t0: 11e9, t1: 12e9 });
  });
});

describe("tick pattern option", () => {
  it("labels both levels and the tick cost", () => {
    expect(tickLevels(68_000, 76_000)).toEqual({
      noTick: "no tick 68 µs",
      tick: "tick 76 µs",
      cost: "tick cost 8 µs",
    });
    const option = tickPatternOption({
      t0: 0,
      t1: 1e6,
      ts: [0, 72_000],
      value: [68_000, 76_000],
      noTickNs: 68_000,
      tickNs: 76_000,
    }) as AnyOption;
    expect(option.series[0].markLine.data.map((d: AnyOption) => d.yAxis)).toEqual([68_000, 76_000]);
    expect(option.series[0].data).toEqual([
      [0, 68_000],
      [72_000, 76_000],
    ]);
  });

  it("marks where the ticks fall in the window", () => {
    const option = tickPatternOption({
      t0: 0,
      t1: 10e6,
      ts: [0],
      value: [68_000],
      noTickNs: 68_000,
      tickNs: 76_000,
      instants: [1e6, 5e6, 9e6],
    }) as AnyOption;
    const lines = option.series[0].markLine.data as AnyOption[];
    expect(lines.filter((d) => d.xAxis !== undefined).map((d) => d.xAxis)).toEqual([1e6, 5e6, 9e6]);
  });
});
