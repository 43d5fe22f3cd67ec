import { echarts } from "./echarts-core";
import { timelineOption } from "./options/timeline";

let warmed = false;

/**
 * Draws the timeline's chart once, off screen, and throws it away. A chart's first draw on a page runs
 * much of ECharts' code for the first time (~0.15-0.3 s on 2 vCPUs, measured in headless Chromium);
 * done while the page is idle, the first real chart (the overview of a run just opened) costs a
 * fraction of that, and the page stays responsive while a run opens.
 */
export function warmUpCharts(): void {
  if (warmed) return;
  warmed = true;
  const chart = echarts.init(document.createElement("div"), null, {
    renderer: "canvas",
    width: 640,
    height: 360,
  });
  chart.setOption(timelineOption({ window: null, startNs: 0, endNs: 1e9, t0: 0, t1: 1e9, thresholdNs: 1 }));
  chart.dispose();
}
