import type { EChartsCoreOption } from "echarts/core";
import type { PercentilePoint } from "@/lib/workspace/types";
import { formatDuration } from "../units";
import { escapeHtml } from "./escape-html";
import { LEGEND_ABOVE_PLOT } from "./legend";
import { durationAxisLabel } from "./time-axis";

export interface HistogramSeries {
  name: string;
  lower: number[];
  counts: number[];
}

/** Several runs' latency histograms on a log duration axis and a log count axis. */
export function histogramOption(series: HistogramSeries[]): EChartsCoreOption {
  return {
    animation: false,
    aria: { enabled: true },
    legend: LEGEND_ABOVE_PLOT,
    grid: { left: 64, right: 20, top: 32, bottom: 44 },
    tooltip: {
      trigger: "axis",
      confine: true,
      valueFormatter: (value: number) => (value ? value.toLocaleString("en-US") : "0"),
    },
    xAxis: {
      type: "log",
      name: "duration",
      nameLocation: "middle",
      nameGap: 26,
      axisLabel: { formatter: durationAxisLabel },
    },
    yAxis: { type: "log", name: "samples", min: 1 },
    series: series.map((run) => ({
      name: run.name,
      type: "line",
      step: "start",
      symbol: "none",
      sampling: "none",
      lineStyle: { width: 1.25 },
      data: run.lower.flatMap((lower, i) => (run.counts[i] > 0 ? [[Math.max(lower, 1), run.counts[i]]] : [])),
    })),
  };
}

export interface PercentileSeries {
  name: string;
  points: PercentilePoint[];
}

/** The spectrum's x axis: -log10(1 - p), so 90, 99, 99.9 … % are evenly spaced. */
export function nines(p: number): number {
  return -Math.log10(1 - p / 100);
}

/** The label of a spectrum tick: 0 → "0%", 1 → "90%", 3 → "99.9%". */
export function ninesLabel(x: number): string {
  const n = Math.round(x);
  return `${(100 - 100 * 10 ** -n).toFixed(Math.max(0, n - 2))}%`;
}

/** The percentile spectrum: duration at each percentile, on a log duration axis, runs overlaid. */
export function percentileOption(series: PercentileSeries[]): EChartsCoreOption {
  const maxNines = Math.max(
    5,
    ...series.flatMap((s) => s.points.filter((pt) => pt.p < 100).map((pt) => nines(pt.p))),
  );
  return {
    animation: false,
    aria: { enabled: true },
    legend: LEGEND_ABOVE_PLOT,
    grid: { left: 64, right: 20, top: 32, bottom: 44 },
    tooltip: {
      trigger: "item",
      confine: true,
      formatter: (params: { seriesName: string; data: [number, number, number] }) =>
        `${escapeHtml(params.seriesName)}<br/>p${params.data[2]}: <b>${formatDuration(params.data[1], 4)}</b>`,
    },
    xAxis: {
      type: "value",
      min: 0,
      max: Math.ceil(maxNines),
      interval: 1,
      name: "percentile",
      nameLocation: "middle",
      nameGap: 26,
      axisLabel: { formatter: ninesLabel },
    },
    yAxis: { type: "log", name: "duration", axisLabel: { formatter: durationAxisLabel } },
    series: series.map((run) => ({
      name: run.name,
      type: "line",
      symbol: "circle",
      symbolSize: 4,
      data: run.points.filter((pt) => pt.p < 100 && pt.value > 0).map((pt) => [nines(pt.p), pt.value, pt.p]),
    })),
  };
}
