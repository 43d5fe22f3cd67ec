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

const LINE_PX = 16;

/** The lines under the title: the run(s), the host(s), the unit, each on its own line. */
export function exportLines(meta: ExportMeta): string[] {
  return [meta.run, meta.host, meta.unit].filter((line): line is string => !!line);
}

/** The height of the title block an export adds above the chart. */
export function exportHeaderPx(meta: ExportMeta): number {
  return 40 + LINE_PX * exportLines(meta).length;
}

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
export function exportOption(option: EChartsCoreOption, meta: ExportMeta, widthPx = 800): EChartsCoreOption {
  const header = exportHeaderPx(meta);
  const zooms = list(option.dataZoom);
  const kept = zooms.filter((zoom) => zoom.type !== "slider");
  const slider = zooms.find((zoom) => zoom.type === "slider");
  const sliderPx = slider ? Number(slider.height ?? 18) + Number(slider.bottom ?? 8) + 10 : 0;
  const grids = list(option.grid).map((grid) => ({
    ...grid,
    top: moveDown(grid.top, header),
    ...(sliderPx && typeof grid.bottom === "number" ? { bottom: Math.max(grid.bottom - sliderPx, 24) } : {}),
  }));
  const legends = list(option.legend).map((legend) => ({
    ...legend,
    top: moveDown(legend.top, header),
  }));
  const { toolbox: _toolbox, ...rest } = option as Entry;
  void _toolbox;
  return {
    ...rest,
    animation: false,
    title: {
      text: meta.title,
      subtext: exportLines(meta).join("\n"),
      left: 12,
      top: 8,
      itemGap: 6,
      // Each line cut with an ellipsis at the chart's width: the title block's height stays known.
      textStyle: { fontSize: 14, fontWeight: "bold", width: widthPx - 24, overflow: "truncate" },
      subtextStyle: { fontSize: 11, lineHeight: LINE_PX, width: widthPx - 24, overflow: "truncate" },
    },
    ...(option.grid !== undefined ? { grid: grids } : { grid: { top: header + 28 } }),
    ...(option.legend !== undefined ? { legend: legends } : {}),
    ...(option.dataZoom !== undefined ? { dataZoom: kept } : {}),
  };
}
