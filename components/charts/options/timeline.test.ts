import { describe, expect, it } from "vitest";
import { endLabels, niceRange, niceStep } from "./nice-axis";
import { SERIES_NAMES, stallPath, stalls, timelineOption } from "./timeline";
import { fourColumns as window, type AnyOption } from "./testing/window-columns";

const base = { startNs: 0, endNs: 10_000, t0: 0, t1: 4000, thresholdNs: null };

describe("the timeline up close", () => {
  it("hover names the exact time and value under the pointer", () => {
    const option = timelineOption({ ...base, window: window() }) as AnyOption;
    expect(option.tooltip.trigger).toBe("axis");
    const html: string = option.tooltip.formatter([{ axisValue: 700 }]);
    expect(html).toContain("max <b>76 ns</b> duration at 0.000000500 s");
    expect(html).toContain("min 68 ns duration at 0.000000010 s");
    expect(html).toContain("10 samples");

    const raw = { ts: Float64Array.from([100, 200, 300]), value: Float64Array.from([68, 71, 70]) };
    const close = timelineOption({ ...base, window: window({ raw, source: "raw" }) }) as AnyOption;
    expect(close.tooltip.formatter([{ axisValue: 190 }])).toBe(
      "sample at 0.000000200 s<br/><b>71 ns</b> duration",
    );
  });

  it("draws a stall as the span it covers, not a point at its start", () => {
    expect(stalls(window())).toEqual([[1500, 7190]]);
    expect(stallPath(stalls(window()))).toEqual([
      [1500, 7190],
      [8690, 7190],
      [8690, null],
    ]);
    const option = timelineOption({ ...base, window: window() }) as AnyOption;
    const series = option.series.find((s: AnyOption) => s.id === "stalls");
    expect(series.type).toBe("line");
    expect(series.data[1]).toEqual([8690, 7190]);
    // Hovering anywhere over the span reads the one sample, with its start and end.
    expect(option.tooltip.formatter([{ axisValue: 6000 }])).toBe(
      "one sample: <b>7.19 µs</b> duration<br/>from 0.000001500 s<br/>to 0.000008690 s",
    );
    // A sample shorter than two pixel columns stays a point; so does a wide one under the threshold.
    const raw = { ts: Float64Array.from([100, 2500]), value: Float64Array.from([68, 1999]) };
    expect(stalls(window({ raw, source: "raw" }))).toEqual([]);
    expect(stalls(window(), 5000)).toEqual([[1500, 7190]]);
    expect(stalls(window(), 8000)).toEqual([]);
  });

  it("shows the picked-sample marker only while it lies in the window", () => {
    const marker = { ts: 1500, value: 7190 };
    const inside = timelineOption({ ...base, window: window(), marker }) as AnyOption;
    const pin = (option: AnyOption) => option.series.find((s: AnyOption) => s.id === "marker").data;
    expect(pin(inside)).toEqual([[1500, 7190]]);
    const away = timelineOption({ ...base, window: window(), t0: 2000, t1: 4000, marker }) as AnyOption;
    expect(pin(away)).toEqual([]);
    expect(away.legend.data).not.toContain(SERIES_NAMES.marker);
  });

  it("names raw samples, columns and stalls in a legend clear of the duration axis's name", () => {
    const overview = timelineOption({ ...base, window: window() }) as AnyOption;
    expect(overview.legend.data).toEqual([SERIES_NAMES.columns, SERIES_NAMES.stalls]);
    expect(overview.legend.right).toBeDefined();
    expect(overview.legend.left).toBeUndefined();
    const raw = { ts: Float64Array.from([100]), value: Float64Array.from([68]) };
    const close = timelineOption({ ...base, window: window({ raw, source: "raw" }) }) as AnyOption;
    expect(close.legend.data).toEqual([SERIES_NAMES.samples]);
    expect(close.series.find((s: AnyOption) => s.id === "samples").name).toBe(SERIES_NAMES.samples);
  });

  it("offers a log duration axis", () => {
    const linear = timelineOption({ ...base, window: window() }) as AnyOption;
    expect(linear.yAxis).toMatchObject({ type: "value", min: 0 });
    const log = timelineOption({ ...base, window: window(), logY: true }) as AnyOption;
    expect(log.yAxis.type).toBe("log");
    expect(log.yAxis.min).toBeUndefined();
    expect(log.yAxis.name).toMatch(/log/);
  });

  it("labels an axis end only when it falls on a tick", () => {
    // 0.788 s … 1.788 s: ends between ticks (0.2 s apart) get no label of their own.
    const zoomed = timelineOption({
      ...base,
      window: window(),
      endNs: 2e9,
      t0: 788e6,
      t1: 1788e6,
    }) as AnyOption;
    expect(zoomed.xAxis.axisLabel).toMatchObject({ showMinLabel: false, showMaxLabel: false });
    const whole = timelineOption({ ...base, window: window(), t0: 0, t1: 10_000 }) as AnyOption;
    expect(whole.xAxis.axisLabel).toMatchObject({ showMinLabel: true, showMaxLabel: true });
  });
});

describe("nice axis steps", () => {
  it("steps as ECharts does: 1, 2, 3, 5 times a power of ten", () => {
    expect(niceStep(1000)).toBe(200);
    expect(niceStep(16.9e9)).toBe(3e9);
    expect(niceStep(40e6)).toBe(10e6);
    expect(endLabels(0, 1000)).toEqual({ showMinLabel: true, showMaxLabel: true });
    expect(endLabels(0, 13_989)).toEqual({ showMinLabel: true, showMaxLabel: false });
  });

  it("widens a range to whole steps", () => {
    expect(niceRange(29_250, 43_000)).toEqual({ min: 27_000, max: 45_000, interval: 3000 });
  });
});
