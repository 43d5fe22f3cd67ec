import type { EChartsCoreOption } from "echarts/core";
import { formatDuration, formatInstant } from "../units";
import { endLabels, niceRange } from "./nice-axis";
import { durationAxisLabel, timeAxisLabels } from "./time-axis";

export interface TickPatternInput {
  t0: number;
  t1: number;
  ts: ArrayLike<number>;
  value: ArrayLike<number>;
  noTickNs: number;
  tickNs: number;
  /** Where the ticks fall in the window. */
  instants?: number[];
}

/** Labels for the two levels and their difference, as the panel states them. */
export function tickLevels(noTickNs: number, tickNs: number) {
  return {
    noTick: `no tick ${formatDuration(noTickNs, 3)}`,
    tick: `tick ${formatDuration(tickNs, 3)}`,
    cost: `tick cost ${formatDuration(tickNs - noTickNs, 3)}`,
  };
}

/** Raw samples over one or ten tick periods: the two levels (no tick, tick) labelled, and where the ticks fall. */
export function tickPatternOption({
  t0,
  t1,
  ts,
  value,
  noTickNs,
  tickNs,
  instants = [],
}: TickPatternInput): EChartsCoreOption {
  const axis = timeAxisLabels(t0, t1);
  const labels = tickLevels(noTickNs, tickNs);
  const points = Array.from(ts, (t, i) => [t, value[i]]);
  const visibleMax = points.reduce((m, p) => Math.max(m, p[1]), tickNs);
  // Whole steps at both ends: no odd end label ("29.3 µs") crowding the first tick ("30 µs").
  const y = niceRange(noTickNs * 0.9, Math.min(visibleMax, tickNs * 1.6) * 1.05);
  return {
    animation: false,
    aria: { enabled: true },
    grid: { left: 64, right: 150, top: 28, bottom: 44 },
    tooltip: {
      trigger: "item",
      confine: true,
      formatter: (params: { data: [number, number] }) =>
        `${formatInstant(params.data[0], 1)}<br/><b>${formatDuration(params.data[1], 4)}</b>`,
    },
    xAxis: {
      type: "value",
      min: t0,
      max: t1,
      name: axis.name,
      nameLocation: "middle",
      nameGap: 26,
      axisLabel: { formatter: axis.format, hideOverlap: true, ...endLabels(t0, t1) },
      splitLine: { show: false },
    },
    yAxis: {
      type: "value",
      min: Math.max(0, y.min),
      max: y.max,
      interval: y.interval,
      name: "duration",
      axisLabel: { formatter: durationAxisLabel },
    },
    series: [
      {
        id: "samples",
        name: "samples",
        type: "scatter",
        symbolSize: points.length > 2000 ? 2 : 4,
        data: points,
        clip: true,
        markLine: {
          silent: true,
          symbol: "none",
          lineStyle: { type: "solid", width: 1 },
          label: {
            position: "end",
            fontSize: 11,
            color: "inherit",
            textBorderWidth: 0,
            textBorderColor: "transparent",
          },
          data: [
            // The lower level's label hangs below its line, the upper one's stands above: however close
            // the levels, the labels move apart.
            {
              yAxis: noTickNs,
              name: labels.noTick,
              label: {
                formatter: labels.noTick,
                verticalAlign: "top" as const,
                lineHeight: 14,
                padding: [2, 0, 0, 0],
              },
            },
            {
              yAxis: tickNs,
              name: labels.tick,
              label: {
                formatter: `${labels.cost}\n${labels.tick}`,
                verticalAlign: "bottom" as const,
                lineHeight: 14,
                padding: [0, 0, 2, 0],
              },
            },
            ...instants.map((at) => ({
              xAxis: at,
              name: "tick",
              lineStyle: { type: "dashed" as const, opacity: 0.5 },
              label: { formatter: "tick", position: "insideEndTop" as const },
            })),
          ],
        },
      },
    ],
  };
}
