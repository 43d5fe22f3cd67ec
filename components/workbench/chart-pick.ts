import type { SqlChartAxis, SqlChartInput } from "../charts/options/sql-result";
import { cellNumber, cellText, cellValue, type ResultColumn, type ResultSet } from "./result-set";

const NUMERIC = new Set(["integer", "float", "decimal"]);
const AXES: Partial<Record<ResultColumn["kind"], SqlChartAxis>> = {
  time: "time",
  date: "time",
  integer: "value",
  float: "value",
  decimal: "value",
  text: "category",
};

export interface ChartPick {
  /** The x axis: the first column (a time, a number, or text categories). */
  x: number;
  axis: SqlChartAxis;
  /** Every other numeric column, as a line (or bars) each. */
  ys: number[];
}

/** The automatic chart's columns, or null when the first column cannot be an axis or nothing is numeric. */
export function pickChart(columns: ResultColumn[]): ChartPick | null {
  const axis = columns.length > 0 ? AXES[columns[0].kind] : undefined;
  if (!axis) return null;
  const ys = columns.flatMap((c, i) => (i > 0 && NUMERIC.has(c.kind) ? [i] : []));
  return ys.length > 0 ? { x: 0, axis, ys } : null;
}

/** The kept rows as the chart's series. */
export function chartInput(result: ResultSet, pick: ChartPick): SqlChartInput {
  const xColumn = result.columns[pick.x];
  const xs = Array.from({ length: result.shown }, (_, row) => {
    const value = cellValue(result, row, pick.x);
    return pick.axis === "category" ? cellText(value, xColumn) : cellNumber(value, xColumn);
  });
  return {
    x: { name: xColumn.name, axis: pick.axis },
    series: pick.ys.map((index) => {
      const column = result.columns[index];
      const points: [number | string, number | null][] = [];
      xs.forEach((x, row) => {
        if (x !== null) points.push([x, cellNumber(cellValue(result, row, index), column)]);
      });
      return { name: column.name, points };
    }),
  };
}
