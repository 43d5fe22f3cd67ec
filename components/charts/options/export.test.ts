import { describe, expect, it } from "vitest";
import type { HeatmapCells, WindowColumns } from "@/lib/workspace/types";
import { exportHeaderPx, exportOption } from "./export";
import { heatmapOption } from "./heatmap";
import { timelineOption } from "./timeline";

type AnyOption = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const window: WindowColumns = {
  t0: 1000,
  t1: 5000,
  start: Float64Array.from([1000, 3000]),
  min: Float64Array.from([68, 70]),
  max: Float64Array.from([76, 80]),
  minTs: Float64Array.from([1010, 3010]),
  maxTs: Float64Array.from([1500, 3900]),
  count: Float64Array.from([10, 9]),
  raw: null,
  source: "pyramid",
  samples: 19,
};
const meta = {
  title: "Timeline",
  run: "clock tick · kvm-matrix",
  host: "KVM · HZ=250 · tsc",
  unit: "y: duration of each sample (µs)",
};

describe("a PNG export a person can publish", () => {
  it("titles the chart with the view, the run, the host and the unit", () => {
    const option = exportOption(
      timelineOption({ window, startNs: 0, endNs: 10_000, t0: 1000, t1: 5000, thresholdNs: null }),
      meta,
    ) as AnyOption;
    expect(option.title.text).toBe("Timeline");
    // One line each, cut at the chart's width: nothing runs off the image.
    expect(option.title.subtext.split("\n")).toEqual([
      "clock tick · kvm-matrix",
      "KVM · HZ=250 · tsc",
      "y: duration of each sample (µs)",
    ]);
    expect(option.title.subtextStyle).toMatchObject({ width: 776, overflow: "truncate" });
    expect(exportHeaderPx(meta)).toBeGreaterThanOrEqual(3 * option.title.subtextStyle.lineHeight + 20);
  });

  it("leaves the zoom slider and the toolbox out but keeps the window on screen", () => {
    const screen = timelineOption({
      window,
      startNs: 0,
      endNs: 10_000,
      t0: 1000,
      t1: 5000,
      thresholdNs: null,
    }) as AnyOption;
    const option = exportOption(screen, meta) as AnyOption;
    expect(option.dataZoom.map((zoom: AnyOption) => zoom.type)).toEqual(["inside"]);
    expect(option.dataZoom[0]).toMatchObject({ startValue: 1000, endValue: 5000 });
    expect(option.toolbox).toBeUndefined();
    // The plot moves below the title block; the slider's room at the bottom goes.
    expect(option.grid[0].top).toBe(screen.grid.top + exportHeaderPx(meta));
    expect(option.grid[0].bottom).toBeLessThan(screen.grid.bottom);
    expect(option.legend[0].top).toBe(screen.legend.top + exportHeaderPx(meta));
    expect(option.series).toBe(screen.series);
    // The chart on screen is left as it was.
    expect(screen.dataZoom).toHaveLength(2);
    expect(screen.title).toBeUndefined();
  });

  it("keeps the heat map's colour bar and scale", () => {
    const cells: HeatmapCells = {
      periodNs: 1e9,
      phaseNs: 0,
      secondStart: 0,
      seconds: 2,
      rows: 2,
      values: Float64Array.from([1000, 2000, 3000, 50e6]),
      maxValue: 50e6,
    };
    const option = exportOption(heatmapOption(cells), { ...meta, title: "Periodic spikes" }) as AnyOption;
    expect(option.visualMap.max).toBe(50e6);
    expect(option.title.text).toBe("Periodic spikes");
  });
});
