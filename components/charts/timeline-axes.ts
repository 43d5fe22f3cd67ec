/**
 * The timeline's axes and marks drawn on a canvas of their own, beside the samples' layer: the time axis
 * (ticks, labels and name, as ECharts drew them: its nice steps, the units of lib/analysis/units.ts), the
 * duration axis with its split lines, the threshold, the stalls and the picked sample. A zoom or a pan
 * redraws them with the samples in well under a millisecond; ECharts' own update took 10-15 ms a step.
 */
import { formatThreshold } from "@/lib/analysis/threshold";
import { niceStep } from "./options/nice-axis";
import { durationAxisLabel, timeAxisLabels } from "./options/time-axis";
import { SERIES_NAMES } from "./options/timeline";
import type { PlotMapping, ValueRange } from "./timeline-layer";

export interface Tick {
  at: number;
  label: string;
}

/** Ticks of the time axis over [t0, t1]: every multiple of ECharts' nice step inside it, and the axis name. */
export function timeTicks(t0: number, t1: number): { ticks: Tick[]; name: string } {
  const axis = timeAxisLabels(t0, t1);
  const step = niceStep(Math.max(t1 - t0, 1));
  const ticks: Tick[] = [];
  const first = Math.ceil(t0 / step - 1e-9);
  for (let k = first; k * step <= t1 + step * 1e-9 && ticks.length < 50; k++) {
    const at = k * step;
    ticks.push({ at, label: axis.format(at) });
  }
  return { ticks, name: axis.name };
}

/** Ticks of the duration axis: whole steps from the range's bottom (linear) or each power of ten (log). */
export function durationTicks(range: ValueRange): Tick[] {
  const ticks: Tick[] = [];
  if (range.log) {
    for (let v = range.min; v <= range.max * (1 + 1e-9) && ticks.length < 30; v *= 10)
      ticks.push({ at: v, label: durationAxisLabel(v) });
    return ticks;
  }
  const step = range.interval ?? niceStep(range.max - range.min);
  for (let k = 0; range.min + k * step <= range.max + step * 1e-9 && ticks.length < 30; k++) {
    const at = range.min + k * step;
    ticks.push({ at, label: durationAxisLabel(at) });
  }
  return ticks;
}

export interface AxesStyle {
  line: string;
  label: string;
  font: string;
  /** The samples' colours: columns (the accent) and raw points. */
  columns: string;
  points: string;
  /** The palette's colours of the stalls, the picked sample and the threshold (as ECharts gave them). */
  stall: string;
  marker: string;
  threshold: string;
}

export interface Marks {
  t0: number;
  t1: number;
  range: ValueRange;
  thresholdNs: number | null;
  /** Stalls as [start, duration], drawn as the span each covers. */
  stalls: [number, number][];
  marker: { ts: number; value: number } | null;
  /** Raw samples (points) rather than min/max columns. */
  raw: boolean;
}

export interface LegendEntry {
  name: string;
  colour: string;
  /** A line series shows a stroke through its dot; a scatter series the dot alone. */
  line: boolean;
  width: number;
}

/** What the legend names, in order: the samples drawn, then the stalls and the picked sample when shown. */
export function legendEntries(marks: Marks, style: AxesStyle): LegendEntry[] {
  const markerShown = !!marks.marker && marks.marker.ts >= marks.t0 && marks.marker.ts <= marks.t1;
  return [
    marks.raw
      ? { name: SERIES_NAMES.samples, colour: style.points, line: false, width: 1 }
      : { name: SERIES_NAMES.columns, colour: style.columns, line: true, width: 1 },
    ...(marks.stalls.length
      ? [{ name: SERIES_NAMES.stalls, colour: style.stall, line: true, width: 3 }]
      : []),
    ...(markerShown ? [{ name: SERIES_NAMES.marker, colour: style.marker, line: false, width: 1 }] : []),
  ];
}

/** The legend top right, as ECharts laid it out: a 25 px icon, 5 px to its name, 10 px between entries. */
function drawLegend(context: CanvasRenderingContext2D, entries: LegendEntry[], right: number, text: string) {
  const widths = entries.map((entry) => 25 + 5 + context.measureText(entry.name).width);
  let x = right - widths.reduce((a, b) => a + b, 0) - 10 * (entries.length - 1);
  const y = 5;
  context.textAlign = "left";
  context.textBaseline = "middle";
  entries.forEach((entry, i) => {
    context.strokeStyle = entry.colour;
    context.fillStyle = entry.colour;
    if (entry.line) {
      context.lineWidth = entry.width;
      context.beginPath();
      context.moveTo(x, y);
      context.lineTo(x + 25, y);
      context.stroke();
    }
    context.beginPath();
    context.arc(x + 12.5, y, 4, 0, 2 * Math.PI);
    context.fill();
    context.fillStyle = text;
    context.fillText(entry.name, x + 30, y);
    x += widths[i] + 10;
  });
}

/** Draws the axes and the marks for the window [t0, t1] in the plot `map` describes. */
export function drawAxes(
  context: CanvasRenderingContext2D,
  map: PlotMapping,
  marks: Marks,
  style: AxesStyle,
) {
  const bottom = map.top + map.height;
  const right = map.left + map.width;
  context.save();
  context.font = style.font;
  drawLegend(context, legendEntries(marks, style), right + 8, style.label);
  context.lineWidth = 1;

  // Duration axis: split lines across the plot, labels left of it, the name above it.
  context.strokeStyle = style.line;
  context.fillStyle = style.label;
  context.textAlign = "right";
  context.textBaseline = "middle";
  context.globalAlpha = 0.6;
  context.beginPath();
  const yTicks = durationTicks(marks.range);
  for (const tick of yTicks) {
    const y = Math.round(map.y(tick.at)) + 0.5;
    if (tick.at === marks.range.min && !marks.range.log) continue;
    context.moveTo(map.left, y);
    context.lineTo(right, y);
  }
  context.stroke();
  context.globalAlpha = 1;
  let lastY = Infinity;
  for (const tick of yTicks) {
    const y = map.y(tick.at);
    if (lastY - y < 12) continue;
    context.fillText(tick.label, map.left - 8, y);
    lastY = y;
  }
  context.textAlign = "center";
  context.textBaseline = "bottom";
  context.fillText(marks.range.log ? "duration (log)" : "duration", map.left, map.top - 10);

  // Time axis: the line, ticks and labels under the plot, labels that would overlap left out.
  const x = timeTicks(marks.t0, marks.t1);
  context.beginPath();
  context.moveTo(map.left - 0.5, map.top);
  context.lineTo(map.left - 0.5, bottom);
  context.moveTo(map.left, bottom + 0.5);
  context.lineTo(right, bottom + 0.5);
  for (const tick of x.ticks) {
    const px = Math.round(map.x(tick.at)) + 0.5;
    context.moveTo(px, bottom);
    context.lineTo(px, bottom + 5);
  }
  context.stroke();
  context.textBaseline = "top";
  let lastRight = -Infinity;
  for (const tick of x.ticks) {
    const px = map.x(tick.at);
    const half = context.measureText(tick.label).width / 2;
    if (px - half < lastRight + 4) continue;
    context.fillText(tick.label, px, bottom + 8);
    lastRight = px + half;
  }
  context.fillText(x.name, map.left + map.width / 2, bottom + 24);

  // The marks, clipped to the plot.
  context.beginPath();
  context.rect(map.left, map.top, map.width, map.height);
  context.clip();
  if (marks.stalls.length) {
    context.strokeStyle = style.stall;
    context.lineWidth = 3;
    context.beginPath();
    for (const [ts, value] of marks.stalls) {
      const y = map.y(value);
      context.moveTo(map.x(ts), y);
      context.lineTo(map.x(ts + value), y);
    }
    context.stroke();
  }
  if (marks.thresholdNs !== null) {
    const y = Math.round(map.y(marks.thresholdNs)) + 0.5;
    context.strokeStyle = style.threshold;
    context.fillStyle = style.threshold;
    context.lineWidth = 1;
    context.setLineDash([5, 5]);
    context.beginPath();
    context.moveTo(map.left, y);
    context.lineTo(right, y);
    context.stroke();
    context.setLineDash([]);
    context.textAlign = "right";
    context.textBaseline = "bottom";
    context.font = style.font.replace(/\d+px/, "10px");
    context.fillText(`threshold ${formatThreshold(marks.thresholdNs)}`, right - 2, y - 3);
  }
  const marker = marks.marker;
  if (marker && marker.ts >= marks.t0 && marker.ts <= marks.t1) {
    // ECharts' pin: a round head over the point it marks.
    const px = map.x(marker.ts);
    const py = map.y(marker.value);
    context.fillStyle = style.marker;
    context.beginPath();
    context.arc(px, py - 17, 8, Math.PI * 0.8, Math.PI * 2.2);
    context.lineTo(px, py);
    context.closePath();
    context.fill();
  }
  context.restore();
}
