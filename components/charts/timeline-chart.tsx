"use client";

import { forwardRef, useEffect, useImperativeHandle, useLayoutEffect, useMemo, useRef, useState } from "react";
import type { Pyramid } from "@/lib/summary";
import { useTheme } from "../workspace/theme";
import { EChart, type ChartEvents, type ChartHandle } from "./echart";
import { describeAt, timelineOption } from "./options/timeline";
import { timelineFrameOption } from "./options/timeline-frame";
import { readChartTokens, SERIES_COLORS } from "./theme";
import type { AxesStyle } from "./timeline-axes";
import { PLOT_GRID } from "./timeline-layer";
import type { TimelinePainter } from "./timeline-painter";
import { formatInstant } from "./units";

interface Props {
  /** Draws the window and its answers (the panel moves it with the input, before React renders). */
  painter: TimelinePainter;
  /** The element whose data attributes say what is drawn (the chart's focusable box). */
  target: HTMLElement | null;
  /** The window on screen as React last rendered it: ECharts' slider follows it once it rests. */
  t0: number;
  t1: number;
  /** The whole run, for the slider. */
  startNs: number;
  endNs: number;
  /** Pixel columns of the plot, and the page's coarse pyramid levels drawn where no exact answer reaches. */
  columns: number;
  coarse: Pyramid | null;
  thresholdNs: number | null;
  marker: { ts: number; value: number } | null;
  logY: boolean;
  events: ChartEvents;
  label: string;
}

/** How long the window rests before ECharts' slider and brush are told where it is. */
const SYNC_MS = 120;

/**
 * The timeline: two canvases draw everything that moves with the window (the samples, min/max columns or
 * points, on one; the axes, the threshold, the stalls and the picked sample on the other), drawn by the
 * panel's `TimelinePainter` at once when the input moves the window and again, exactly, when the worker's
 * answer arrives. ECharts over them keeps the slider, the legend, the hover and the drag-to-zoom brush;
 * its option does not depend on the window, and its slider is told the window once the input rests.
 */
export const TimelineChart = forwardRef<ChartHandle, Props>(function TimelineChart(
  {
    painter,
    target,
    t0,
    t1,
    startNs,
    endNs,
    columns,
    coarse,
    thresholdNs,
    marker,
    logY,
    events,
    label,
  },
  ref,
) {
  const box = useRef<HTMLDivElement>(null);
  const layer = useRef<HTMLCanvasElement>(null);
  const axes = useRef<HTMLCanvasElement>(null);
  const chart = useRef<ChartHandle>(null);
  const theme = useTheme();
  const [size, setSize] = useState({ width: 0, height: 0 });

  // What the hover reads: the window on screen now (the painter's) and the pointer over it.
  const now = useRef({ thresholdNs, width: 0, pointer: -1 });
  now.current = { ...now.current, thresholdNs, width: size.width };

  const option = useMemo(
    () =>
      timelineFrameOption({
        startNs,
        endNs,
        hover: () => {
          const { thresholdNs, width, pointer } = now.current;
          const view = painter.window;
          const data = painter.data;
          const plot = width - PLOT_GRID.left - PLOT_GRID.right;
          if (!data || !view || pointer < 0 || plot <= 0) return "";
          const t = view.t0 + ((pointer - PLOT_GRID.left) / plot) * (view.t1 - view.t0);
          return describeAt(data, t, thresholdNs) ?? "";
        },
        sliderLabel: (ns) => {
          const view = painter.window ?? { t0: 0, t1: 1000 };
          return formatInstant(ns, Math.max((view.t1 - view.t0) / 1000, 1));
        },
      }),
    [painter, startNs, endNs],
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
      // Raw samples in the colour ECharts gives their legend entry (the palette's second).
      points: SERIES_COLORS[1],
      stall: SERIES_COLORS[2],
      marker: SERIES_COLORS[3],
      threshold: SERIES_COLORS[4],
    };
  }, [theme]);

  useLayoutEffect(() => {
    painter.attach({ layer: layer.current, axes: axes.current, target });
  }, [painter, target]);

  useLayoutEffect(() => {
    painter.configure({
      width: size.width,
      height: size.height,
      columns,
      coarse,
      thresholdNs,
      marker,
      logY,
      style,
    });
  }, [painter, size, columns, coarse, thresholdNs, marker, logY, style]);

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
        exportedOption={() => {
          const view = painter.window ?? { t0, t1 };
          return timelineOption({
            window: painter.data,
            startNs,
            endNs,
            t0: view.t0,
            t1: view.t1,
            thresholdNs,
            marker,
            logY,
          });
        }}
      />
    </div>
  );
});
