/** Pure window arithmetic for the timeline's keyboard and button zoom/pan. */
export interface TimeWindow {
  t0: number;
  t1: number;
}

export const MIN_SPAN_NS = 1000;

export function clampWindow({ t0, t1 }: TimeWindow, start: number, end: number): TimeWindow {
  const span = Math.min(Math.max(t1 - t0, MIN_SPAN_NS), end - start);
  let from = Math.max(start, Math.min(t0, end - span));
  if (!Number.isFinite(from)) from = start;
  return { t0: from, t1: from + span };
}

/** Zoom by `factor` (< 1 zooms in) around `centre` (default: the middle of the window). */
export function zoomWindow(
  window: TimeWindow,
  factor: number,
  start: number,
  end: number,
  centre?: number,
): TimeWindow {
  const c = centre ?? (window.t0 + window.t1) / 2;
  const span = (window.t1 - window.t0) * factor;
  const ratio = (c - window.t0) / (window.t1 - window.t0 || 1);
  return clampWindow({ t0: c - span * ratio, t1: c - span * ratio + span }, start, end);
}

/** Pan by a fraction of the window's width (negative: earlier). */
export function panWindow(window: TimeWindow, fraction: number, start: number, end: number): TimeWindow {
  const shift = (window.t1 - window.t0) * fraction;
  return clampWindow({ t0: window.t0 + shift, t1: window.t1 + shift }, start, end);
}

/** A window of `span` centred on `centre`, kept inside the run. */
export function windowAround(centre: number, span: number, start: number, end: number): TimeWindow {
  return clampWindow({ t0: centre - span / 2, t1: centre + span / 2 }, start, end);
}

/** The window a key asks for: + and = zoom in, - out, the arrows pan a quarter, Home shows the whole run. */
export function keyAction(key: string, window: TimeWindow, start: number, end: number): TimeWindow | null {
  switch (key) {
    case "+":
    case "=":
      return zoomWindow(window, 0.5, start, end);
    case "-":
      return zoomWindow(window, 2, start, end);
    case "ArrowLeft":
      return panWindow(window, -0.25, start, end);
    case "ArrowRight":
      return panWindow(window, 0.25, start, end);
    case "Home":
      return { t0: start, t1: end };
    default:
      return null;
  }
}
