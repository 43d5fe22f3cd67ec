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

/**
 * The M4 line: in every pixel column the path visits the column's min and max in the order they
 * happened, so the drawn line covers exactly the pixels a line through every sample would (Jugel et
 * al., VLDB 2014). One path for the whole window: far cheaper to draw than a shape per column. An empty
 * column breaks the line.
 */
export function m4Path(window: WindowColumns): (number | null)[][] {
  const path: (number | null)[][] = [];
  const n = window.start.length;
  for (let i = 0; i < n; i++) {
    const end = i + 1 < n ? window.start[i + 1] : window.t1;
    const x = (window.start[i] + end) / 2;
    if (!(window.count[i] > 0)) {
      if (path.length && path[path.length - 1][1] !== null) path.push([x, null]);
      continue;
    }
    const minFirst = window.minTs[i] <= window.maxTs[i];
    path.push([x, minFirst ? window.min[i] : window.max[i]], [x, minFirst ? window.max[i] : window.min[i]]);
  }
  return path;
}

/** The column under a pixel position, widened to ±`slack` columns, whose max is largest: what a click picks. */
export function pickColumn(
  window: WindowColumns,
  t: number,
  slackNs: number,
): { ts: number; value: number } | null {
  let best: { ts: number; value: number } | null = null;
  for (let i = 0; i < window.start.length; i++) {
    const end = i + 1 < window.start.length ? window.start[i + 1] : window.t1;
    if (end < t - slackNs || window.start[i] > t + slackNs || !(window.count[i] > 0)) continue;
    if (!best || window.max[i] > best.value) best = { ts: window.maxTs[i], value: window.max[i] };
  }
  return best;
}

/** The raw sample nearest in time to `t` within `slackNs`, the largest if several: what a click picks. */
export function pickSample(raw: { ts: Float64Array; value: Float64Array }, t: number, slackNs: number) {
  let best: { ts: number; value: number } | null = null;
  for (let i = 0; i < raw.ts.length; i++) {
    if (Math.abs(raw.ts[i] - t) > slackNs) continue;
    if (!best || raw.value[i] > best.value) best = { ts: raw.ts[i], value: raw.value[i] };
  }
  return best;
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
  const path = window && !raw ? m4Path(window) : [];
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
        moveOnMouseWheel: "shift",
        // Dragging selects a range to zoom to (the toolbox below); shift+wheel and the slider pan.
        moveOnMouseMove: false,
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
    // Hidden: only its drag-to-select zoom is used (armed by the chart component).
    toolbox: {
      show: true,
      right: -200,
      itemSize: 1,
      feature: { dataZoom: { xAxisIndex: 0, yAxisIndex: false, filterMode: "none" } },
    },
    tooltip: {
      trigger: "item",
      confine: true,
      formatter: (params: { seriesId?: string; data?: number[] }) => {
        const d = params.data ?? [];
        return params.seriesId === "samples"
          ? `${formatInstant(d[0], 1)}<br/><b>${formatDuration(d[1], 4)}</b>`
          : "";
      },
    },
    series: [
      {
        id: "columns",
        name: "min–max per pixel column",
        type: "line",
        data: path,
        symbol: "none",
        sampling: "none",
        connectNulls: false,
        lineStyle: { width: 1 },
        silent: true,
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
