/**
 * The step ECharts picks for a value axis over `span` (its `nice(span / splitNumber, true)`): 1, 2, 3, 5
 * or 10 times a power of ten.
 */
export function niceStep(span: number, splitNumber = 5): number {
  const raw = Math.max(span, Number.MIN_VALUE) / splitNumber;
  const power = 10 ** Math.floor(Math.log10(raw));
  const f = raw / power;
  const nice = f < 1.5 ? 1 : f < 2.5 ? 2 : f < 4 ? 3 : f < 7 ? 5 : 10;
  return nice * power;
}

function onStep(value: number, step: number): boolean {
  const steps = value / step;
  return Math.abs(steps - Math.round(steps)) < 1e-6;
}

/**
 * An axis whose ends fall between its ticks labels only its ticks: an end label such as "788" beside
 * "1000" reads as a tick and crowds it. Ends that lie on a tick keep their label.
 */
export function endLabels(min: number, max: number): { showMinLabel: boolean; showMaxLabel: boolean } {
  const step = niceStep(max - min);
  return { showMinLabel: onStep(min, step), showMaxLabel: onStep(max, step) };
}

/** Bounds widened to whole steps around [lo, hi], so that both ends are ticks: no odd end label. */
export function niceRange(
  lo: number,
  hi: number,
  splitNumber = 5,
): { min: number; max: number; interval: number } {
  const interval = niceStep(Math.max(hi - lo, 1), splitNumber);
  return { min: Math.floor(lo / interval) * interval, max: Math.ceil(hi / interval) * interval, interval };
}
