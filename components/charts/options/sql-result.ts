import type { EChartsCoreOption } from "echarts/core";
import { formatDuration, formatInstant } from "../units";
import { durationAxisLabel } from "./time-axis";
import { escapeHtml } from "./escape-html";

/** The x axis of a query's chart: instants (dates, timestamps), plain numbers, or text categories. */
export type SqlChartAxis = "time" | "value" | "category";

export interface SqlChartInput {
  x: { name: string; axis: SqlChartAxis };
  /** One line (or bar set) per numeric column; `x` holds the category's text on a category axis. */
  series: { name: string; points: [number | string, number | null][] }[];
}

/**
 * A column holding nanoseconds (its name ends in `_ns`), by the name the tables give it: a moment in the
 * run (`ts_ns`, `*_ts_ns`, `start_ns`, `end_ns`), or a span that is an overhead or a duration
 * (lib/analysis/value-kind.ts); other columns are plain numbers.
 */
export function columnMeasure(name: string): "overhead" | "duration" | "instant" | null {
  if (!/_ns$/i.test(name)) return null;
  if (/(^|_)ts_ns$|^(start|end)_ns$/i.test(name)) return "instant";
  return /overhead/i.test(name) ? "overhead" : "duration";
}

/** A nanosecond value as text: a moment in seconds to the µs, a span in its unit. */
function nsText(measure: "overhead" | "duration" | "instant", value: number): string {
  return measure === "instant" ? formatInstant(value, 1000) : formatDuration(value, 4);
}

function valueText(name: string, value: number | null): string {
  if (value === null) return "NULL";
  const measure = columnMeasure(name);
  if (measure === null) return value.toLocaleString("en-US");
  return measure === "instant" ? `at ${nsText(measure, value)}` : `${nsText(measure, value)} (${measure})`;
}

function xAxisLabel(x: SqlChartInput["x"]): { formatter?: (ns: number) => string; hideOverlap: true } {
  const measure = x.axis === "value" ? columnMeasure(x.name) : null;
  if (measure === null) return { hideOverlap: true };
  if (measure === "instant") return { formatter: (ns) => formatInstant(ns, 1e6), hideOverlap: true };
  return { formatter: durationAxisLabel, hideOverlap: true };
}

function xText(axis: SqlChartAxis, name: string, value: number | string): string {
  if (axis === "category") return String(value);
  if (axis === "time") return new Date(Number(value)).toISOString();
  const measure = columnMeasure(name);
  return measure === null ? Number(value).toLocaleString("en-US") : nsText(measure, Number(value));
}

/**
 * The workbench's automatic chart: lines over a time or number axis, bars over text categories. Every
 * name and value in the tooltip is escaped: labels come from the user's data.
 */
export function sqlResultOption({ x, series }: SqlChartInput): EChartsCoreOption {
  const measures = series.map((s) => columnMeasure(s.name));
  // Spans share the duration axis; moments and plain numbers keep plain labels.
  const allNs = measures.length > 0 && measures.every((m) => m === "overhead" || m === "duration");
  const yName = allNs ? [...new Set(measures)].join(" / ") : series.length === 1 ? series[0].name : "value";
  return {
    animation: false,
    aria: { enabled: true },
    grid: { left: 72, right: 24, top: 36, bottom: 48 },
    legend: { top: 4, data: series.map((s) => s.name) },
    tooltip: {
      trigger: "axis",
      confine: true,
      formatter: (raw: unknown) => {
        const items = (Array.isArray(raw) ? raw : [raw]) as {
          seriesName: string;
          data: [number | string, number | null];
        }[];
        if (items.length === 0) return "";
        const head = escapeHtml(xText(x.axis, x.name, items[0].data[0]));
        const lines = items.map(
          (item) =>
            `${escapeHtml(item.seriesName)}: <b>${escapeHtml(valueText(item.seriesName, item.data[1]))}</b>`,
        );
        return [`${escapeHtml(x.name)} ${head}`, ...lines].join("<br/>");
      },
    },
    xAxis: {
      type: x.axis,
      name: x.name,
      nameLocation: "middle",
      nameGap: 28,
      ...(x.axis === "category"
        ? { data: series[0]?.points.map((p) => String(p[0])) ?? [] }
        : {
            scale: true,
            axisLabel: xAxisLabel(x),
          }),
    },
    yAxis: {
      type: "value",
      name: yName,
      axisLabel: allNs ? { formatter: durationAxisLabel } : {},
    },
    series: series.map((s) => ({
      name: s.name,
      type: x.axis === "category" ? "bar" : "line",
      showSymbol: s.points.length <= 200,
      sampling: x.axis === "category" ? undefined : "lttb",
      data: s.points,
    })),
  };
}
