import type { EChartsCoreOption } from "echarts/core";

/** What a published chart says about itself, above the plot. */
export interface ExportMeta {
  /** The view, e.g. "Timeline". */
  title: string;
  /** The run (or runs) shown. */
  run: string;
  /** The host's short fingerprint. */
  host?: string | null;
  /** What the values are and their unit, e.g. "y: duration of each sample, ms". */
  unit: string;
}

/** The height of the title block an export adds above the chart. */
export const EXPORT_HEADER_PX = 56;

type Entry = Record<string, unknown>;
const list = (value: unknown): Entry[] =>
  value === undefined ? [] : ((Array.isArray(value) ? value : [value]) as Entry[]);

function moveDown(value: unknown, by: number): unknown {
  if (typeof value === "number") return value + by;
  if (value === undefined) return by;
  return value;
}

/**
 * The option an exported PNG is drawn from: the chart as on screen, its window kept, with a title block
 * (view, run, host, unit) on top and without the controls (the zoom slider, the toolbox).
 */
export function exportOption(option: EChartsCoreOption, meta: ExportMeta): EChartsCoreOption {
  const zooms = list(option.dataZoom);
  const kept = zooms.filter((zoom) => zoom.type !== "slider");
  const slider = zooms.find((zoom) => zoom.type === "slider");
  const sliderPx = slider ? Number(slider.height ?? 18) + Number(slider.bottom ?? 8) + 10 : 0;
  const grids = list(option.grid).map((grid) => ({
    ...grid,
    top: moveDown(grid.top, EXPORT_HEADER_PX),
    ...(sliderPx && typeof grid.bottom === "number" ? { bottom: Math.max(grid.bottom - sliderPx, 24) } : {}),
  }));
  const legends = list(option.legend).map((legend) => ({
    ...legend,
    top: moveDown(legend.top, EXPORT_HEADER_PX),
  }));
  const subtitle = [meta.run, meta.host, meta.unit].filter(Boolean).join("  ·  ");
  const { toolbox: _toolbox, ...rest } = option as Entry;
  void _toolbox;
  return {
    ...rest,
    animation: false,
    title: {
      text: meta.title,
      subtext: subtitle,
      left: 12,
      top: 8,
      textStyle: { fontSize: 14, fontWeight: "bold" },
      subtextStyle: { fontSize: 11 },
    },
    ...(option.grid !== undefined ? { grid: grids } : { grid: { top: EXPORT_HEADER_PX + 28 } }),
    ...(option.legend !== undefined ? { legend: legends } : {}),
    ...(option.dataZoom !== undefined ? { dataZoom: kept } : {}),
  };
}
