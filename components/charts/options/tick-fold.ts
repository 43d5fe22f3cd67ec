import type { EChartsCoreOption } from "echarts/core";
import { formatDuration } from "../units";
import { niceRange } from "./nice-axis";
import { durationAxisLabel } from "./time-axis";

export interface TickFoldInput {
  periodNs: number;
  /** Each point's start, from the tick (ns, within ±period/2), its width and its mean excess (overhead, ns). */
  fromTickNs: number[];
  widthNs: number[];
  meanExcessNs: (number | null)[];
  samples: number[];
}

/**
 * The tick pattern folded over one period: the mean excess (overhead) of the samples at each distance
 * from the tick, so the tick's bump stands at 0 and a faster interruption locked to it shows as its own
 * bumps (a VM host's 1 ms timer under a 4 ms tick: four).
 */
export function tickFoldOption({
  periodNs,
  fromTickNs,
  widthNs,
  meanExcessNs,
  samples,
}: TickFoldInput): EChartsCoreOption {
  const half = periodNs / 2;
  const points = fromTickNs.map((at, i) => [at + widthNs[i] / 2, meanExcessNs[i], samples[i], widthNs[i]]);
  const top = meanExcessNs.reduce<number>((m, v) => (v !== null && v > m ? v : m), 0);
  const y = niceRange(0, top * 1.05 || 1);
  return {
    animation: false,
    aria: { enabled: true },
    grid: { left: 64, right: 24, top: 28, bottom: 44 },
    tooltip: {
      trigger: "axis",
      confine: true,
      formatter: (params: { data: [number, number | null, number, number] }[]) => {
        const [at, mean, n, width] = params[0].data;
        return (
          `${formatDuration(at - width / 2, 4)} to ${formatDuration(at + width / 2, 4)} from the tick<br/>` +
          `mean excess (overhead) <b>${mean === null ? "–" : formatDuration(mean, 4)}</b> over ${n.toLocaleString("en-US")} samples`
        );
      },
    },
    xAxis: {
      type: "value",
      min: -half,
      max: half,
      name: "from the tick (one period)",
      nameLocation: "middle",
      nameGap: 26,
      axisLabel: { formatter: durationAxisLabel, hideOverlap: true },
      splitLine: { show: false },
    },
    yAxis: {
      type: "value",
      min: y.min,
      max: y.max,
      interval: y.interval,
      name: "mean excess (overhead)",
      axisLabel: { formatter: durationAxisLabel },
    },
    series: [
      {
        id: "fold",
        name: "mean excess (overhead)",
        type: "line",
        step: "middle",
        symbol: "none",
        areaStyle: { opacity: 0.25 },
        data: points,
        markLine: {
          silent: true,
          symbol: "none",
          lineStyle: { type: "dashed", opacity: 0.6 },
          label: { formatter: "tick", position: "insideEndTop" },
          data: [{ xAxis: 0 }],
        },
      },
    ],
  };
}
