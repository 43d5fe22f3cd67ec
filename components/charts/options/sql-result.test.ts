import { describe, expect, it } from "vitest";
import { columnMeasure, sqlResultOption } from "./sql-result";

type Tooltip = { tooltip: { formatter: (params: unknown) => string } };
type Axis = { xAxis: { axisLabel: { formatter?: (v: number) => string } } };

describe("the workbench chart's nanosecond columns", () => {
  it("reads the tables' moments as times in the run and their spans as durations or overheads", () => {
    expect(["ts_ns", "max_at_ts_ns", "start_ns", "end_ns"].map(columnMeasure)).toEqual(
      Array(4).fill("instant"),
    );
    expect(["duration_ns", "max_duration_ns", "p99_ns", "period_ns", "phase_ns"].map(columnMeasure)).toEqual(
      Array(5).fill("duration"),
    );
    expect(columnMeasure("max_overhead_ns")).toBe("overhead");
    expect(columnMeasure("samples")).toBeNull();
  });

  it("writes a sample's time as seconds in the tooltip and on the axis, its duration in its unit", () => {
    const option = sqlResultOption({
      x: { name: "ts_ns", axis: "value" },
      series: [{ name: "duration_ns", points: [[2_524_790_154, 53_640_000]] }],
    }) as unknown as Tooltip & Axis;
    const tip = option.tooltip.formatter([{ seriesName: "duration_ns", data: [2_524_790_154, 53_640_000] }]);
    expect(tip).toContain("ts_ns 2.5247902 s");
    expect(tip).toContain("53.64 ms (duration)");
    expect(option.xAxis.axisLabel.formatter!(1_500_000_000)).toBe("1.5000 s");
  });
});
