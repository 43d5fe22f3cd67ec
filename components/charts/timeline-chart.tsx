"use client";

import { forwardRef, useEffect, useImperativeHandle, useMemo, useRef, useState } from "react";
import type { WindowColumns } from "@/lib/workspace/types";
import { useTheme } from "../workspace/theme";
import { EChart, type ChartEvents, type ChartHandle } from "./echart";
import { describeAt, stalls, timelineOption } from "./options/timeline";
import { timelineFrameOption } from "./options/timeline-frame";
import { readChartTokens, SERIES_COLORS } from "./theme";
import { drawAxes, type AxesStyle } from "./timeline-axes";
import { drawWindow, plotMapping, PLOT_GRID, valueRange } from "./timeline-layer";
import { formatInstant } from "./units";

interface Props {
  /** The window on screen: it moves with the input at once, while the answer for it is on the way. */
  t0: number;
  t1: number;
  /** The whole run, for the slider. */
  startNs: number;
  endNs: number;
  /** The latest exact answer (for `t0..t1` or, until the next one arrives, for the window before). */
  data: WindowColumns | null;
  /** Columns from the page's coarse pyramid levels for `t0..t1`: drawn only where `data` does not reach. */
  fill?: WindowColumns | null;
  thresholdNs: number | null;
  marker: { ts: number; value: number } | null;
  logY: boolean;
  events: ChartEvents;
  label: string;
}

/** How long the window rests before ECharts' slider and brush are told where it is. */
const SYNC_MS = 120;

function prepare(element: HTMLCanvasElement | null, width: number, height: number) {
  const context = element?.getContext("2d");
  if (!element || !context || !width || !height) return null;
  const ratio = globalThis.devicePixelRatio || 1;
  const w = Math.round(width * ratio);
  const h = Math.round(height * ratio);
  if (element.width !== w || element.height !== h) {
    element.width = w;
    element.height = h;
  }
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  context.clearRect(0, 0, width, height);
  return context;
}

/**
 * The timeline: two canvases draw everything that moves with the window (the samples, min/max columns or
 * points, on one; the axes, the threshold, the stalls and the picked sample on the other), at once when
 * the window moves (the previous answer placed on the new axis, coarse columns where it does not reach)
 * and again, exactly, when the worker's answer arrives. ECharts over them keeps the slider, the legend,
 * the hover and the drag-to-zoom brush; its option does not depend on the window, and its slider is told
 * the window once the input rests.
 */
export const TimelineChart = forwardRef<ChartHandle, Props>(function TimelineChart(
  { t0, t1, startNs, endNs, data, fill = null, thresholdNs, marker, logY, events, label },
  ref,
) {
  const box = useRef<HTMLDivElement>(null);
  const layer = useRef<HTMLCanvasElement>(null);
  const axes = useRef<HTMLCanvasElement>(null);
  const chart = useRef<ChartHandle>(null);
  const theme = useTheme();
  const [size, setSize] = useState({ width: 0, height: 0 });
  const shownFill = fill && data && data.t0 <= t0 && data.t1 >= t1 ? null : fill;
  const range = useMemo(() => valueRange([data], logY), [data, logY]);
  const spans = useMemo(() => (data ? stalls(data, thresholdNs) : []), [data, thresholdNs]);

  // What the hover reads: the window on screen now and the pointer over it.
  const now = useRef({ t0, t1, data, thresholdNs, width: 0, pointer: -1 });
  now.current = { ...now.current, t0, t1, data, thresholdNs, width: size.width };

  const option = useMemo(
    () =>
      timelineFrameOption({
        startNs,
        endNs,
        hover: () => {
          const { t0, t1, data, thresholdNs, width, pointer } = now.current;
          const plot = width - PLOT_GRID.left - PLOT_GRID.right;
          if (!data || pointer < 0 || plot <= 0) return "";
          const t = t0 + ((pointer - PLOT_GRID.left) / plot) * (t1 - t0);
          return describeAt(data, t, thresholdNs) ?? "";
        },
        sliderLabel: (ns) => formatInstant(ns, Math.max((now.current.t1 - now.current.t0) / 1000, 1)),
      }),
    [startNs, endNs],
  );

  useImperativeHandle(ref, () => ({
    toPng: (meta) => chart.current?.toPng(meta) ?? null,
    instance: () => chart.current?.instance() ?? null,
  }));

  // ECharts' slider and brush follow the window once it rests: its update costs ~10 ms, the canvases < 1.
  useEffect(() => {
    const timer = setTimeout(() => {
      chart.current
        ?.instance()
        ?.dispatchAction({ type: "dataZoom", startValue: t0, endValue: t1 }, { silent: true });
    }, SYNC_MS);
    return () => clearTimeout(timer);
  }, [t0, t1, option]);

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const observer = new ResizeObserver(() =>
      setSize({ width: element.clientWidth, height: element.clientHeight }),
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const style = useMemo((): AxesStyle | null => {
    if (!theme) return null;
    const tokens = readChartTokens();
    return {
      line: tokens.line,
      label: tokens.muted,
      font: "11px ui-sans-serif, system-ui, sans-serif",
      columns: tokens.accent,
      points: SERIES_COLORS[1],
      stall: SERIES_COLORS[2],
      marker: SERIES_COLORS[3],
      threshold: SERIES_COLORS[4],
    };
  }, [theme]);
  const colour = useMemo(() => (theme ? readChartTokens().accent : ""), [theme]);

  useEffect(() => {
    const context = prepare(layer.current, size.width, size.height);
    if (!context) return;
    const map = plotMapping(size.width, size.height, t0, t1, range);
    // Raw samples in the colour ECharts gives their legend entry (the palette's second).
    if (data) drawWindow(context, map, data, data.raw ? SERIES_COLORS[1] : colour);
    // Coarse columns only outside the exact answer's span: never over it.
    if (shownFill) {
      drawWindow(context, map, shownFill, colour, -Infinity, data ? data.t0 : Infinity);
      if (data) drawWindow(context, map, shownFill, colour, data.t1, Infinity);
    }
  }, [data, shownFill, t0, t1, range, size, colour]);

  useEffect(() => {
    const context = prepare(axes.current, size.width, size.height);
    if (!context || !style) return;
    const map = plotMapping(size.width, size.height, t0, t1, range);
    const raw = !!data?.raw;
    drawAxes(context, map, { t0, t1, range, thresholdNs, stalls: spans, marker, raw }, style);
  }, [t0, t1, range, size, style, thresholdNs, spans, marker, data]);

  return (
    <div
      ref={box}
      className="relative h-full w-full"
      onPointerMoveCapture={(event) => {
        now.current.pointer = event.clientX - event.currentTarget.getBoundingClientRect().left;
      }}
    >
      <canvas
        ref={layer}
        aria-hidden
        data-testid="timeline-layer"
        className="pointer-events-none absolute inset-0 h-full w-full"
      />
      <canvas
        ref={axes}
        aria-hidden
        data-testid="timeline-axes"
        className="pointer-events-none absolute inset-0 h-full w-full"
      />
      <EChart
        ref={chart}
        option={option}
        events={events}
        brushZoom
        lazyUpdate
        label={label}
        className="relative h-full w-full"
        exportedOption={() =>
          timelineOption({ window: data, startNs, endNs, t0, t1, thresholdNs, marker, logY })
        }
      />
    </div>
  );
});
