import type { EChartsCoreOption } from "echarts/core";
import { PLOT_GRID } from "../timeline-layer";

export interface TimelineFrameInput {
  /** The whole run, for the range slider. */
  startNs: number;
  endNs: number;
  /** The hover's text for the pointer where it is now (read from the window on screen, not ECharts' axis). */
  hover: () => string;
  /** The slider's label of a moment. */
  sliderLabel: (ns: number) => string;
}

/** Hidden: only its drag-to-select zoom is used (armed by the chart component). */
export const HIDDEN_ZOOM_BRUSH = {
  show: true,
  right: -200,
  itemSize: 1,
  feature: { dataZoom: { xAxisIndex: 0, yAxisIndex: false, filterMode: "none" } },
};

/** The timeline's hover: one line at the pointer, its text from `formatter`. */
export function axisTooltip<P>(formatter: (params: P) => string) {
  return { trigger: "axis", confine: true, axisPointer: { type: "line", snap: false }, formatter };
}

/**
 * ECharts' part of the timeline when the canvases draw the samples, the axes and the marks
 * (timeline-layer.ts, timeline-axes.ts, the legend too): the slider, the hover and the drag-to-zoom brush.
 * Nothing in it depends on the window, so a zoom or a pan never rebuilds it: the chart follows the window
 * with one cheap dataZoom action once the input rests.
 */
export function timelineFrameOption({
  startNs,
  endNs,
  hover,
  sliderLabel,
}: TimelineFrameInput): EChartsCoreOption {
  const hidden = { show: false };
  return {
    animation: false,
    aria: { enabled: true },
    grid: { ...PLOT_GRID, outerBoundsMode: "none" },
    xAxis: {
      type: "value",
      min: startNs,
      max: endNs,
      axisLine: hidden,
      axisTick: hidden,
      axisLabel: hidden,
      splitLine: hidden,
    },
    yAxis: {
      type: "value",
      min: 0,
      max: 1,
      axisLine: hidden,
      axisTick: hidden,
      axisLabel: hidden,
      splitLine: hidden,
    },
    dataZoom: [
      {
        type: "slider",
        xAxisIndex: 0,
        filterMode: "none",
        minValueSpan: 1000,
        height: 18,
        bottom: 8,
        showDataShadow: false,
        labelFormatter: sliderLabel,
      },
    ],
    toolbox: HIDDEN_ZOOM_BRUSH,
    tooltip: axisTooltip(hover),
    series: [
      // Invisible, across the whole run: hovering anywhere over the plot asks for the tooltip.
      {
        id: "hover",
        type: "line",
        data: [
          [startNs, 0],
          [endNs, 0],
        ],
        symbol: "none",
        lineStyle: { opacity: 0 },
        silent: true,
      },
    ],
  };
}
