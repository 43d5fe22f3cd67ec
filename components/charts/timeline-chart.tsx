"use client";

import { forwardRef, useEffect, useMemo, useRef, useState } from "react";
import type { WindowColumns } from "@/lib/workspace/types";
import { useTheme } from "../workspace/theme";
import { EChart, type ChartEvents, type ChartHandle } from "./echart";
import { timelineOption } from "./options/timeline";
import { readChartTokens, SERIES_COLORS } from "./theme";
import { drawWindow, plotMapping, valueRange } from "./timeline-layer";

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

/**
 * The timeline: ECharts draws the axes, the slider, the stalls, the marker and the hover; the samples
 * themselves (min/max columns or points) are drawn on a canvas under it, redrawn at once when the window
 * moves (the previous answer placed on the new axis, coarse columns where it does not reach) and again,
 * exactly, when the worker's answer arrives.
 */
export const TimelineChart = forwardRef<ChartHandle, Props>(function TimelineChart(
  { t0, t1, startNs, endNs, data, fill = null, thresholdNs, marker, logY, events, label },
  ref,
) {
  const box = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const theme = useTheme();
  const [size, setSize] = useState({ width: 0, height: 0 });
  const shownFill = fill && data && data.t0 <= t0 && data.t1 >= t1 ? null : fill;
  // ECharts (axes, slider, marks) follows the exact answers, once each: redrawing it costs ~10 ms, the
  // layer well under one. While an answer is on the way only the layer moves with the input.
  const axisT0 = data ? data.t0 : t0;
  const axisT1 = data ? data.t1 : t1;
  const range = useMemo(() => valueRange([data], logY), [data, logY]);

  const option = useMemo(
    () =>
      timelineOption({
        window: data,
        startNs,
        endNs,
        t0: axisT0,
        t1: axisT1,
        thresholdNs,
        marker,
        logY,
        layer: range,
      }),
    [data, startNs, endNs, axisT0, axisT1, thresholdNs, marker, logY, range],
  );

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const observer = new ResizeObserver(() =>
      setSize({ width: element.clientWidth, height: element.clientHeight }),
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const colour = useMemo(() => (theme ? readChartTokens().accent : ""), [theme]);

  useEffect(() => {
    const element = canvas.current;
    const context = element?.getContext("2d");
    if (!element || !context || !size.width || !size.height) return;
    const ratio = globalThis.devicePixelRatio || 1;
    const width = Math.round(size.width * ratio);
    const height = Math.round(size.height * ratio);
    if (element.width !== width || element.height !== height) {
      element.width = width;
      element.height = height;
    }
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, size.width, size.height);
    const map = plotMapping(size.width, size.height, t0, t1, range);
    // Raw samples in the colour ECharts gives their legend entry (the palette's second).
    if (data) drawWindow(context, map, data, data.raw ? SERIES_COLORS[1] : colour);
    // Coarse columns only outside the exact answer's span: never over it.
    if (shownFill) {
      drawWindow(context, map, shownFill, colour, -Infinity, data ? data.t0 : Infinity);
      if (data) drawWindow(context, map, shownFill, colour, data.t1, Infinity);
    }
  }, [data, shownFill, t0, t1, range, size, colour]);

  return (
    <div ref={box} className="relative h-full w-full">
      <canvas
        ref={canvas}
        aria-hidden
        data-testid="timeline-layer"
        className="pointer-events-none absolute inset-0 h-full w-full"
      />
      <EChart
        ref={ref}
        option={option}
        events={events}
        brushZoom
        lazyUpdate
        label={label}
        className="relative h-full w-full"
        exportedOption={() =>
          timelineOption({ window: data, startNs, endNs, t0: axisT0, t1: axisT1, thresholdNs, marker, logY })
        }
      />
    </div>
  );
});
