import type { EChartsCoreOption } from "echarts/core";
import type { WindowColumns } from "@/lib/workspace/types";
import { formatDuration, formatInstant } from "../units";
import { durationAxisLabel, timeAxisLabels } from "./time-axis";

export interface TimelineInput {
  window: WindowColumns | null;
  /** The whole run, for the range slider. */
  startNs: number;
  endNs: number;
  /** The window on screen; the slider and the inside zoom follow it. */
  t0: number;
  t1: number;
  thresholdNs: number | null;
  /** A picked spike, marked on the chart. */
  marker?: { ts: number; value: number } | null;
}

/** One row of the column series: start, end, min, max, time of max, time of min, samples. */
export type ColumnDatum = [number, number, number, number, number, number, number];

export function columnData(window: WindowColumns): ColumnDatum[] {
  const data: ColumnDatum[] = [];
  for (let i = 0; i < window.start.length; i++) {
    if (!(window.count[i] > 0)) continue;
    const end = i + 1 < window.start.length ? window.start[i + 1] : window.t1;
    data.push([
      window.start[i],
      end,
      window.min[i],
      window.max[i],
      window.maxTs[i],
      window.minTs[i],
      window.count[i],
    ]);
  }
  return data;
}

interface RenderApi {
  value(dimension: number): number;
  coord(point: [number, number]): [number, number];
  style(): Record<string, unknown>;
}

/** Each column drawn as a bar from its exact min to its exact max, at least one pixel wide and tall. */
export function renderColumn(_params: unknown, api: RenderApi) {
  const [xa, ya] = api.coord([api.value(0), api.value(3)]);
  const [xb, yb] = api.coord([api.value(1), api.value(2)]);
  return {
    type: "rect",
    shape: { x: xa, y: ya, width: Math.max(1, xb - xa), height: Math.max(1, yb - ya) },
    style: api.style(),
  };
}

export function timelineOption({
  window,
  startNs,
  endNs,
  t0,
  t1,
  thresholdNs,
  marker,
}: TimelineInput): EChartsCoreOption {
  const axis = timeAxisLabels(t0, t1);
  const raw = window?.raw ?? null;
  const columns = window && !raw ? columnData(window) : [];
  const points = raw ? Array.from(raw.ts, (ts, i) => [ts, raw.value[i]]) : [];
  const markLine =
    thresholdNs !== null
      ? {
          silent: true,
          symbol: "none",
          lineStyle: { type: "dashed", width: 1 },
          label: {
            formatter: `threshold ${formatDuration(thresholdNs)}`,
            position: "insideEndTop",
            fontSize: 10,
          },
          data: [{ yAxis: thresholdNs }],
        }
      : undefined;
  return {
    animation: false,
    aria: { enabled: true },
    grid: { left: 64, right: 20, top: 28, bottom: 72 },
    xAxis: {
      type: "value",
      min: startNs,
      max: endNs,
      name: axis.name,
      nameLocation: "middle",
      nameGap: 24,
      axisLabel: { formatter: axis.format, hideOverlap: true },
      splitLine: { show: false },
    },
    yAxis: {
      type: "value",
      min: 0,
      name: "duration",
      axisLabel: { formatter: durationAxisLabel },
    },
    dataZoom: [
      {
        type: "inside",
        xAxisIndex: 0,
        filterMode: "none",
        startValue: t0,
        endValue: t1,
        minValueSpan: 1000,
        zoomOnMouseWheel: true,
        moveOnMouseMove: true,
      },
      {
        type: "slider",
        xAxisIndex: 0,
        filterMode: "none",
        startValue: t0,
        endValue: t1,
        minValueSpan: 1000,
        height: 18,
        bottom: 8,
        showDataShadow: false,
        labelFormatter: (value: number) => formatInstant(value, Math.max((t1 - t0) / 1000, 1)),
      },
    ],
    tooltip: {
      trigger: "item",
      confine: true,
      formatter: (params: { seriesId?: string; data?: number[] }) => {
        const d = params.data ?? [];
        if (params.seriesId === "samples")
          return `${formatInstant(d[0], 1)}<br/><b>${formatDuration(d[1], 4)}</b>`;
        if (params.seriesId === "columns")
          return `${formatInstant(d[0], Math.max(d[1] - d[0], 1))} … ${formatInstant(d[1], Math.max(d[1] - d[0], 1))}<br/>max <b>${formatDuration(d[3], 4)}</b> at ${formatInstant(d[4], 1)}<br/>min ${formatDuration(d[2], 4)} · ${d[6]} samples`;
        return "";
      },
    },
    series: [
      {
        id: "columns",
        name: "min–max per pixel column",
        type: "custom",
        renderItem: renderColumn,
        encode: { x: [0, 1], y: [2, 3] },
        data: columns,
        clip: true,
        ...(raw ? {} : { markLine }),
      },
      {
        id: "samples",
        name: "samples",
        type: "scatter",
        symbolSize: points.length > 500 ? 3 : 5,
        data: points,
        clip: true,
        ...(raw ? { markLine } : {}),
      },
      {
        id: "marker",
        name: "picked spike",
        type: "scatter",
        symbol: "pin",
        symbolSize: 26,
        data: marker ? [[marker.ts, marker.value]] : [],
        z: 5,
        silent: true,
      },
    ],
  };
}
