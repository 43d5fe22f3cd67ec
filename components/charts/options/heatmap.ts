import type { EChartsCoreOption } from "echarts/core";
import type { HeatmapCells } from "@/lib/workspace/types";
import { formatDuration } from "../units";

/**
 * Sequential palettes, low → high, one hue family and lightness changing one way, so that no middle
 * value looks neutral: on a light page pale yellow to dark red, on a dark one deep purple to pale yellow.
 */
export const HEAT_PALETTES = {
  light: ["#ffffcc", "#fed976", "#fd8d3c", "#e31a1c", "#800026"],
  dark: ["#320a5e", "#781c6d", "#bc3754", "#ed6925", "#fbb61a", "#fcffa4"],
} as const;

/** Cell [second index, row, max ns] for every cell that saw a sample. */
export function heatmapData(cells: HeatmapCells): [number, number, number][] {
  const data: [number, number, number][] = [];
  for (let s = 0; s < cells.seconds; s++)
    for (let r = 0; r < cells.rows; r++) {
      const value = cells.values[s * cells.rows + r];
      if (Number.isFinite(value)) data.push([s, r, value]);
    }
  return data;
}

/**
 * Which time (ns since the run started) a cell covers, for zooming the timeline there: the cell itself
 * when a second holds one period, else the whole second (the cell recurs in every period of it).
 */
export function cellWindow(cells: HeatmapCells, second: number, row: number): { t0: number; t1: number } {
  const base = (cells.secondStart + second) * 1e9;
  if (cells.periodNs < 1e9) return { t0: base, t1: base + 1e9 };
  const rowSpan = cells.periodNs / cells.rows;
  const offset = (cells.phaseNs + row * rowSpan) % cells.periodNs;
  return { t0: base + offset, t1: base + offset + rowSpan };
}

/**
 * The subsecond-offset heat map, drawn as FlameScope draws time: seconds across, the offset within the
 * period up, colour the maximum overhead in the cell.
 */
export function heatmapOption(
  cells: HeatmapCells,
  palette: readonly string[] = HEAT_PALETTES.light,
): EChartsCoreOption {
  const rowSpan = cells.periodNs / cells.rows;
  const max = Math.max(cells.maxValue, 1);
  return {
    animation: false,
    aria: { enabled: true },
    grid: { left: 72, right: 84, top: 28, bottom: 44 },
    tooltip: {
      confine: true,
      formatter: (params: { data: [number, number, number] }) => {
        const [s, r, v] = params.data;
        return `${cells.secondStart + s} s + ${formatDuration(r * rowSpan)}…${formatDuration((r + 1) * rowSpan)}<br/>max overhead <b>${formatDuration(v, 4)}</b>`;
      },
    },
    xAxis: {
      type: "category",
      name: "time (s)",
      nameLocation: "middle",
      nameGap: 26,
      data: Array.from({ length: cells.seconds }, (_, s) => String(cells.secondStart + s)),
      splitArea: { show: false },
    },
    yAxis: {
      type: "category",
      name: "offset in period",
      data: Array.from({ length: cells.rows }, (_, r) => formatDuration(r * rowSpan)),
      axisLabel: { interval: Math.max(0, Math.floor(cells.rows / 5) - 1) },
    },
    // The colour bar names its ends, in units.
    visualMap: {
      type: "continuous",
      min: 0,
      max,
      text: [formatDuration(max), "0 ns"],
      textGap: 6,
      calculable: false,
      orient: "vertical",
      right: 16,
      top: "middle",
      itemWidth: 14,
      itemHeight: 200,
      formatter: (value: number) => formatDuration(value),
      inRange: { color: [...palette] },
    },
    series: [
      {
        id: "cells",
        type: "heatmap",
        data: heatmapData(cells),
        progressive: 0,
        emphasis: { disabled: true },
      },
    ],
  };
}

/** The `n` cells with the largest values, largest first: the keyboard's way into the heat map. */
export function hottestCells(
  cells: HeatmapCells,
  n: number,
): { second: number; row: number; value: number }[] {
  return heatmapData(cells)
    .sort((a, b) => b[2] - a[2])
    .slice(0, n)
    .map(([second, row, value]) => ({ second, row, value }));
}
