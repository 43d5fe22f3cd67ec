/**
 * The timeline's picture, drawn imperatively: the input handler calls `show` with the new window and the
 * picture is on the canvases in the same task (the last exact answer placed on the new axis, the page's
 * coarse columns where it does not reach); the worker's answer is drawn by `answer` as it arrives. No
 * React render stands between the input and the picture. The chart element's `data-shown`, `data-drawn`,
 * `data-drawn-max` and `data-fill` are written here, by the code that draws, so that what tests and the
 * benchmark read is what is on the canvas.
 */
import type { Pyramid } from "@/lib/summary";
import { coarseWindow } from "@/lib/workspace/coarse-window";
import type { WindowColumns } from "@/lib/workspace/types";
import { stalls } from "./options/timeline";
import { drawAxes, type AxesStyle } from "./timeline-axes";
import { drawnMax, drawWindow, plotMapping, valueRange, type ValueRange } from "./timeline-layer";

export interface PainterSettings {
  /** The chart's box in CSS pixels. */
  width: number;
  height: number;
  /** Pixel columns of the plot: what the coarse fill is computed for. */
  columns: number;
  coarse: Pyramid | null;
  thresholdNs: number | null;
  marker: { ts: number; value: number } | null;
  logY: boolean;
  style: AxesStyle | null;
}

export interface Surfaces {
  layer: HTMLCanvasElement | null;
  axes: HTMLCanvasElement | null;
  /** Where the drawn state is written as data attributes. */
  target: HTMLElement | null;
}

function prepare(element: HTMLCanvasElement | null, width: number, height: number) {
  const context = element?.getContext("2d");
  if (!element || !context || !width || !height) return null;
  const ratio = globalThis.devicePixelRatio || 1;
  const w = Math.round(width * ratio);
  const h = Math.round(height * ratio);
  if (element.width !== w || element.height !== h) {
    element.width = w;
    element.height = h;
  }
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  context.clearRect(0, 0, width, height);
  return context;
}

const covers = (data: WindowColumns | null, t0: number, t1: number) =>
  !!data && data.t0 <= t0 && data.t1 >= t1;

export class TimelinePainter {
  private surfaces: Surfaces = { layer: null, axes: null, target: null };
  private settings: PainterSettings = {
    width: 0,
    height: 0,
    columns: 100,
    coarse: null,
    thresholdNs: null,
    marker: null,
    logY: false,
    style: null,
  };
  private shown: { t0: number; t1: number } | null = null;
  private exact: WindowColumns | null = null;
  private fill: WindowColumns | null = null;
  private range: ValueRange = valueRange([], false);
  private spans: [number, number][] = [];

  /** The window on screen (null before the first `show`). */
  get window(): { t0: number; t1: number } | null {
    return this.shown;
  }

  /** The latest exact answer drawn (for the window on screen, or until it arrives the one before). */
  get data(): WindowColumns | null {
    return this.exact;
  }

  attach(surfaces: Partial<Surfaces>): void {
    this.surfaces = { ...this.surfaces, ...surfaces };
    this.mark();
    this.draw();
  }

  /** Settings other than the window (size, theme, threshold, marker, scale): redraws when one changed. */
  configure(patch: Partial<PainterSettings>): void {
    const before = this.settings;
    const next = { ...before, ...patch };
    const changed = (Object.keys(patch) as (keyof PainterSettings)[]).some((k) => before[k] !== next[k]);
    if (!changed) return;
    this.settings = next;
    if (next.thresholdNs !== before.thresholdNs)
      this.spans = this.exact ? stalls(this.exact, next.thresholdNs) : [];
    if (next.coarse !== before.coarse || next.columns !== before.columns) this.refill();
    this.rescale();
    this.mark();
    this.draw();
  }

  /** The window moves: drawn at once from what the page holds. */
  show(t0: number, t1: number): void {
    this.shown = { t0, t1 };
    this.refill();
    if (!this.exact) this.rescale();
    this.mark();
    this.draw();
  }

  /** The worker's exact answer (the caller drops stale ones): drawn at once. */
  answer(data: WindowColumns | null): void {
    this.exact = data;
    this.spans = data ? stalls(data, this.settings.thresholdNs) : [];
    this.refill();
    this.rescale();
    this.mark();
    this.draw();
  }

  /** The duration axis follows the exact answer; before the first one, the coarse columns. */
  private rescale(): void {
    this.range = valueRange([this.exact ?? this.fill], this.settings.logY);
  }

  private refill(): void {
    const { coarse, columns } = this.settings;
    const view = this.shown;
    this.fill =
      coarse && view && !covers(this.exact, view.t0, view.t1)
        ? coarseWindow(coarse, view.t0, view.t1, columns)
        : null;
  }

  private mark(): void {
    const target = this.surfaces.target;
    if (!target) return;
    const { shown, exact, fill } = this;
    target.dataset.shown = shown ? `${shown.t0}:${shown.t1}` : "";
    target.dataset.drawn = exact ? `${exact.t0}:${exact.t1}:${exact.source}` : "";
    target.dataset.drawnMax = exact ? String(drawnMax(exact)) : "";
    target.dataset.fill = fill ? `${fill.t0}:${fill.t1}:${fill.source}` : "";
  }

  private draw(): void {
    const { width, height, style, thresholdNs, marker } = this.settings;
    const view = this.shown;
    const { exact: data, fill, range } = this;
    const layer = prepare(this.surfaces.layer, width, height);
    const axes = prepare(this.surfaces.axes, width, height);
    if (!view || !style) return;
    const map = plotMapping(width, height, view.t0, view.t1, range);
    if (layer) {
      // Raw samples in the colour ECharts gives their legend entry; columns in the accent.
      if (data) drawWindow(layer, map, data, data.raw ? style.points : style.columns);
      // Coarse columns only outside the exact answer's span: never over it.
      if (fill) {
        drawWindow(layer, map, fill, style.columns, -Infinity, data ? data.t0 : Infinity);
        if (data) drawWindow(layer, map, fill, style.columns, data.t1, Infinity);
      }
    }
    if (axes && (data || fill))
      drawAxes(
        axes,
        map,
        { t0: view.t0, t1: view.t1, range, thresholdNs, stalls: this.spans, marker, raw: !!data?.raw },
        style,
      );
  }
}
