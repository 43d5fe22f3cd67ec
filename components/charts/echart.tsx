"use client";

import type { ECharts, EChartsCoreOption } from "echarts/core";
import { forwardRef, useEffect, useImperativeHandle, useRef } from "react";
import { echarts } from "./echarts-core";
import { exportHeaderPx, exportOption, type ExportMeta } from "./options/export";
import { chartTheme, readChartTokens } from "./theme";
import { useTheme } from "../workspace/theme";

function armBrushZoom(instance: ECharts): void {
  instance.dispatchAction({ type: "takeGlobalCursor", key: "dataZoomSelect", dataZoomSelectActive: true });
}

export type ChartEvents = Record<string, (params: unknown, chart: ECharts) => void>;

export interface ChartHandle {
  /** The chart as a PNG data URL for publishing: titled, without its controls, on the page's background. */
  toPng(meta: ExportMeta): string | null;
  instance(): ECharts | null;
}

interface Props {
  option: EChartsCoreOption;
  /** Replace the whole option instead of merging (when series come and go). */
  notMerge?: boolean;
  events?: ChartEvents;
  /** What the chart shows, for screen readers. */
  label: string;
  className?: string;
  testId?: string;
  /** Dragging across the plot selects a time range and zooms to it (the option's toolbox dataZoom). */
  brushZoom?: boolean;
  /**
   * Draw at the next frame instead of at once: several options given within a frame (the window moving,
   * then its answer) cost one redraw.
   */
  lazyUpdate?: boolean;
  /** The option a PNG export draws, when the chart on screen draws part of its picture outside ECharts. */
  exportedOption?: () => EChartsCoreOption;
}

/**
 * The one place that owns ECharts' lifecycle: init with the theme, setOption on change, resize with its
 * box, dispose on unmount or theme change. Everything else passes options built by pure functions.
 */
export const EChart = forwardRef<ChartHandle, Props>(function EChart(
  {
    option,
    notMerge = false,
    events,
    label,
    className,
    testId,
    brushZoom = false,
    exportedOption,
    lazyUpdate = false,
  },
  ref,
) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | null>(null);
  const eventsRef = useRef(events);
  const optionRef = useRef(option);
  const brushZoomRef = useRef(brushZoom);
  const theme = useTheme();

  useEffect(() => {
    eventsRef.current = events;
  }, [events]);

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    let instance: ECharts | null = null;
    let observer: ResizeObserver | null = null;
    // Drawn in a task of its own, not in the React commit that mounted the chart: each stays short.
    const start = window.setTimeout(() => {
      const themeName = `tickscope-${theme}`;
      echarts.registerTheme(themeName, chartTheme(readChartTokens()));
      const chartInstance = echarts.init(element, themeName, { renderer: "canvas" });
      instance = chartInstance;
      chart.current = chartInstance;
      chartInstance.setOption(optionRef.current, true);
      if (brushZoomRef.current) armBrushZoom(chartInstance);
      const names = ["click", "datazoom", "dblclick", "brushEnd"];
      for (const name of names)
        chartInstance.on(name, (params: unknown) => eventsRef.current?.[name]?.(params, chartInstance));
      // Clicks anywhere on the canvas (not only on a drawn mark), as "zr:click".
      chartInstance
        .getZr()
        .on("click", (event: unknown) => eventsRef.current?.["zr:click"]?.(event, chartInstance));
      // The observer's first call reports the size the chart was just drawn at: a resize then would
      // lay the whole chart out again for nothing.
      let drawnAt = `${element.clientWidth}x${element.clientHeight}`;
      observer = new ResizeObserver(() => {
        const size = `${element.clientWidth}x${element.clientHeight}`;
        if (size === drawnAt) return;
        drawnAt = size;
        chartInstance.resize();
      });
      observer.observe(element);
    });
    return () => {
      window.clearTimeout(start);
      observer?.disconnect();
      instance?.dispose();
      chart.current = null;
    };
  }, [theme]);

  useEffect(() => {
    optionRef.current = option;
    brushZoomRef.current = brushZoom;
    if (!chart.current) return;
    chart.current.setOption(option, { notMerge, lazyUpdate });
    // A merged option keeps the toolbox's state; only a replaced one needs arming again.
    if (brushZoom && notMerge) armBrushZoom(chart.current);
  }, [option, notMerge, brushZoom, lazyUpdate]);

  useImperativeHandle(ref, () => ({
    toPng: (meta: ExportMeta) => {
      const shown = chart.current;
      if (!shown) return null;
      // Drawn once more off screen, at the size on screen plus the title block, then thrown away.
      const copy = echarts.init(document.createElement("div"), `tickscope-${theme}`, {
        renderer: "canvas",
        width: shown.getWidth(),
        height: shown.getHeight() + exportHeaderPx(meta),
      });
      try {
        copy.setOption(exportOption(exportedOption?.() ?? optionRef.current, meta, shown.getWidth()), true);
        return copy.getDataURL({ type: "png", pixelRatio: 2, backgroundColor: readChartTokens().surface });
      } finally {
        copy.dispose();
      }
    },
    instance: () => chart.current,
  }));

  return <div ref={box} role="img" aria-label={label} data-testid={testId} className={className} />;
});
