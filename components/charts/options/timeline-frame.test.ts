import { describe, expect, it } from "vitest";
import { timelineFrameOption } from "./timeline-frame";

type AnyOption = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe("ECharts' part of the timeline", () => {
  it("holds nothing of the window: the slider, the brush and a hover read from the window on screen", () => {
    let shown = "max 7.19 ms";
    const option = timelineFrameOption({
      startNs: 0,
      endNs: 30e9,
      hover: () => shown,
      sliderLabel: (ns) => `${ns / 1e9} s`,
    }) as AnyOption;
    // The whole run on the axis; the window is the slider's state, set by an action, not by the option.
    expect(option.xAxis).toMatchObject({ min: 0, max: 30e9 });
    expect(option.dataZoom).toHaveLength(1);
    expect(option.dataZoom[0].type).toBe("slider");
    expect(option.dataZoom[0].startValue).toBeUndefined();
    expect(option.dataZoom[0].labelFormatter(12e9)).toBe("12 s");
    // The canvases draw the axes, the samples and the legend.
    expect(option.xAxis.axisLabel.show).toBe(false);
    expect(option.yAxis.axisLabel.show).toBe(false);
    expect(option.legend).toBeUndefined();
    expect(option.series.map((s: AnyOption) => s.data.length)).toEqual([2]);
    expect(option.tooltip.formatter()).toBe("max 7.19 ms");
    shown = "min 68 ns";
    expect(option.tooltip.formatter()).toBe("min 68 ns");
    expect(option.toolbox.feature.dataZoom).toBeDefined();
  });
});
