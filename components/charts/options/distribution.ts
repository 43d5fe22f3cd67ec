import type { EChartsCoreOption } from "echarts/core";
import type { ValueKind } from "@/lib/analysis/value-kind";
import type { PercentilePoint } from "@/lib/workspace/types";
import { formatDuration } from "../units";
import { escapeHtml } from "./escape-html";
import { LEGEND_ABOVE_PLOT } from "./legend";
import { durationAxisLabel } from "./time-axis";

export interface HistogramSeries {
  name: string;
  /** Bins in the chosen kind (lib/analysis/histogram-bins): [lower, upper) and the samples in each. */
  lower: number[];
  upper: number[];
  counts: number[];
}

/** [x, samples, bin lower, bin upper]; the bounds are null on the floor drawn between bins. */
type Point = [number, number, number | null, number | null];

/** Where empty stretches are drawn: under the lowest count a bin can have (1), off the log axis' labels. */
const FLOOR = 0.5;

/** A step outline over the bins that drops to the floor wherever bins are empty. */
function histogramPoints(run: HistogramSeries): Point[] {
  const points: Point[] = [];
  for (let i = 0; i < run.lower.length; i++) {
    const [lower, upper, count] = [run.lower[i], run.upper[i], run.counts[i]];
    const joined = i > 0 && lower <= run.upper[i - 1] * 1.000001;
    if (!joined) points.push([lower, FLOOR, null, null]);
    points.push([lower, count, lower, upper]);
    const next = run.lower[i + 1];
    if (next === undefined || next > upper * 1.000001) points.push([upper, FLOOR, null, null]);
  }
  return points;
}

/** Several runs' histograms (duration or overhead) on a log axis, samples on a log axis. */
export function histogramOption(series: HistogramSeries[], kind: ValueKind): EChartsCoreOption {
  return {
    animation: false,
    aria: { enabled: true },
    legend: LEGEND_ABOVE_PLOT,
    grid: { left: 64, right: 20, top: 32, bottom: 44 },
    tooltip: {
      trigger: "axis",
      confine: true,
      formatter: (raw: unknown) => {
        const params = (Array.isArray(raw) ? raw : [raw]) as {
          marker: string;
          seriesName: string;
          axisValue: number;
          data: Point;
        }[];
        const head = `${kind} ${formatDuration(params[0]?.axisValue, 3)}`;
        const rows = params
          .filter((p) => p.data[2] !== null)
          .map(
            (p) =>
              `${p.marker}${escapeHtml(p.seriesName)}: <b>${Math.round(p.data[1]).toLocaleString("en-US")}</b> samples ` +
              `from ${formatDuration(p.data[2], 4)} to ${formatDuration(p.data[3], 4)}`,
          );
        return [head, ...rows].join("<br/>");
      },
    },
    xAxis: {
      type: "log",
      name: `${kind} (log)`,
      nameLocation: "middle",
      nameGap: 26,
      axisLabel: { formatter: durationAxisLabel },
    },
    yAxis: {
      type: "log",
      name: "samples per bin",
      min: FLOOR,
      axisLabel: { formatter: (v: number) => (v < 1 ? "" : v.toLocaleString("en-US")) },
    },
    series: series.map((run) => ({
      name: run.name,
      type: "line",
      step: "start",
      symbol: "none",
      sampling: "none",
      lineStyle: { width: 1.25 },
      areaStyle: { opacity: 0.12 },
      data: histogramPoints(run),
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

/** The percentile spectrum: duration or overhead at each percentile, on a log axis, runs overlaid. */
export function percentileOption(series: PercentileSeries[], kind: ValueKind): EChartsCoreOption {
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
        `${escapeHtml(params.seriesName)}<br/>p${params.data[2]}: <b>${formatDuration(params.data[1], 4)}</b> ${kind}`,
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
    yAxis: { type: "log", name: `${kind} (log)`, axisLabel: { formatter: durationAxisLabel } },
    series: series.map((run) => ({
      name: run.name,
      type: "line",
      symbol: "circle",
      symbolSize: 4,
      data: run.points.filter((pt) => pt.p < 100 && pt.value > 0).map((pt) => [nines(pt.p), pt.value, pt.p]),
    })),
  };
}
