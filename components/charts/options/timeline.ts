import type { EChartsCoreOption } from "echarts/core";
import { formatThreshold } from "@/lib/analysis/threshold";
import type { WindowColumns } from "@/lib/workspace/types";
import { formatDuration, formatInstant } from "../units";
import { endLabels } from "./nice-axis";
import { axisTooltip, HIDDEN_ZOOM_BRUSH } from "./timeline-frame";
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
  /** A picked spike, marked on the chart while it lies in the window. */
  marker?: { ts: number; value: number } | null;
  /** A logarithmic duration axis: the baseline and the stalls both readable. */
  logY?: boolean;
}

/** A spike (a sample at or above the threshold) is drawn as the span it covers when that is this many pixel columns wide. */
export const STALL_MIN_COLUMNS = 2;

function nsPerColumn(window: WindowColumns): number {
  return (window.t1 - window.t0) / Math.max(1, window.start.length);
}

/**
 * The spikes wide enough to be seen as spans, [start, duration]: from the raw samples, or each column's
 * max. Shorter samples, and the baseline however wide, stay points.
 */
export function stalls(window: WindowColumns, thresholdNs: number | null = null): [number, number][] {
  const minNs = Math.max(STALL_MIN_COLUMNS * nsPerColumn(window), thresholdNs ?? 0);
  const found: [number, number][] = [];
  if (window.raw) {
    for (let i = 0; i < window.raw.ts.length; i++)
      if (window.raw.value[i] >= minNs) found.push([window.raw.ts[i], window.raw.value[i]]);
    return found;
  }
  for (let i = 0; i < window.start.length; i++)
    if (window.count[i] > 0 && window.max[i] >= minNs) found.push([window.maxTs[i], window.max[i]]);
  return found;
}

/** Each stall as a level segment from its start to its end, broken between stalls. */
export function stallPath(spans: [number, number][]): (number | null)[][] {
  return spans.flatMap(([ts, value]) => [
    [ts, value],
    [ts + value, value],
    [ts + value, null],
  ]);
}

/**
 * What lies under the pointer at time `t`: a stall covering it, else the raw sample nearest to it, else
 * the pixel column holding it, with exact times and values (HTML for the tooltip).
 */
export function describeAt(
  window: WindowColumns,
  t: number,
  thresholdNs: number | null = null,
): string | null {
  const stall = stalls(window, thresholdNs).find(([ts, value]) => t >= ts && t <= ts + value);
  if (stall) {
    const [ts, value] = stall;
    return `one sample: <b>${formatDuration(value, 4)}</b> duration<br/>from ${formatInstant(ts, 1)}<br/>to ${formatInstant(ts + value, 1)}`;
  }
  if (window.raw) {
    let best = -1;
    for (let i = 0; i < window.raw.ts.length; i++)
      if (best < 0 || Math.abs(window.raw.ts[i] - t) < Math.abs(window.raw.ts[best] - t)) best = i;
    if (best < 0) return null;
    return `sample at ${formatInstant(window.raw.ts[best], 1)}<br/><b>${formatDuration(window.raw.value[best], 4)}</b> duration`;
  }
  const columnEnd = (i: number) => (i + 1 < window.start.length ? window.start[i + 1] : window.t1);
  const distance = (i: number) => Math.max(0, window.start[i] - t, t - columnEnd(i));
  let column = -1;
  for (let i = 0; i < window.start.length; i++)
    if (window.count[i] > 0 && (column < 0 || distance(i) < distance(column))) column = i;
  if (column < 0) return null;
  const step = nsPerColumn(window);
  const end = columnEnd(column);
  const count = window.count[column];
  return (
    `${formatInstant(window.start[column], step)} – ${formatInstant(end, step)} · ${count.toLocaleString("en-US")} sample${count === 1 ? "" : "s"}` +
    `<br/>max <b>${formatDuration(window.max[column], 4)}</b> duration at ${formatInstant(window.maxTs[column], 1)}` +
    `<br/>min ${formatDuration(window.min[column], 4)} duration at ${formatInstant(window.minTs[column], 1)}`
  );
}

export const SERIES_NAMES = {
  columns: "min–max per pixel column",
  samples: "raw samples",
  stalls: "long sample, drawn over the time it covers",
  marker: "picked sample",
} as const;

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

/**
 * The whole timeline as one ECharts option, samples included: what a PNG export draws. On screen the
 * canvases draw the samples, axes and marks, and ECharts only the frame (timeline-frame.ts).
 */
export function timelineOption({
  window,
  startNs,
  endNs,
  t0,
  t1,
  thresholdNs,
  marker,
  logY = false,
}: TimelineInput): EChartsCoreOption {
  const axis = timeAxisLabels(t0, t1);
  const raw = window?.raw ?? null;
  const path = window && !raw ? m4Path(window) : [];
  const points = raw ? Array.from(raw.ts, (ts, i) => [ts, raw.value[i]]) : [];
  const spans = window ? stallPath(stalls(window, thresholdNs)) : [];
  const shownMarker = marker && marker.ts >= t0 && marker.ts <= t1 ? marker : null;
  const legend = [
    raw ? SERIES_NAMES.samples : SERIES_NAMES.columns,
    ...(spans.length ? [SERIES_NAMES.stalls] : []),
    ...(shownMarker ? [SERIES_NAMES.marker] : []),
  ];
  const markLine =
    thresholdNs !== null
      ? {
          silent: true,
          symbol: "none",
          lineStyle: { type: "dashed", width: 1 },
          label: {
            formatter: `threshold ${formatThreshold(thresholdNs)}`,
            position: "insideEndTop",
            fontSize: 10,
            // In the line's own colour, without ECharts' white halo: readable on both themes.
            color: "inherit",
            textBorderWidth: 0,
            textBorderColor: "transparent",
          },
          data: [{ yAxis: thresholdNs }],
        }
      : undefined;
  return {
    animation: false,
    aria: { enabled: true },
    grid: { left: 64, right: 20, top: 28, bottom: 72 },
    // Top right: the duration axis's name sits top left.
    legend: { top: 0, right: 12, data: legend, itemHeight: 8 },
    xAxis: {
      type: "value",
      min: startNs,
      max: endNs,
      name: axis.name,
      nameLocation: "middle",
      nameGap: 24,
      axisLabel: { formatter: axis.format, hideOverlap: true, ...endLabels(t0, t1) },
      splitLine: { show: false },
    },
    yAxis: {
      type: logY ? "log" : "value",
      ...(logY ? {} : { min: 0 }),
      name: logY ? "duration (log)" : "duration",
      axisLabel: { formatter: durationAxisLabel, hideOverlap: true },
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
    toolbox: HIDDEN_ZOOM_BRUSH,
    tooltip: axisTooltip((params: { axisValue?: number }[] | { axisValue?: number }) => {
      const first = Array.isArray(params) ? params[0] : params;
      const t = Number(first?.axisValue);
      return window && Number.isFinite(t) ? (describeAt(window, t, thresholdNs) ?? "") : "";
    }),
    series: [
      {
        id: "columns",
        name: SERIES_NAMES.columns,
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
        name: SERIES_NAMES.samples,
        type: "scatter",
        symbolSize: points.length > 500 ? 3 : 5,
        data: points,
        clip: true,
        ...(raw ? { markLine } : {}),
      },
      {
        id: "stalls",
        name: SERIES_NAMES.stalls,
        type: "line",
        data: spans,
        symbol: "none",
        sampling: "none",
        connectNulls: false,
        lineStyle: { width: 3 },
        silent: true,
        clip: true,
      },
      {
        id: "marker",
        name: SERIES_NAMES.marker,
        type: "scatter",
        symbol: "pin",
        symbolSize: 26,
        data: shownMarker ? [[shownMarker.ts, shownMarker.value]] : [],
        z: 5,
        silent: true,
      },
    ],
  };
}
