/** Durations and times in nanoseconds, shown in the unit that fits: ns, µs, ms or s. */

export type TimeUnit = { name: "ns" | "µs" | "ms" | "s"; ns: number };

export const UNITS: TimeUnit[] = [
  { name: "s", ns: 1e9 },
  { name: "ms", ns: 1e6 },
  { name: "µs", ns: 1e3 },
  { name: "ns", ns: 1 },
];

/** The largest unit in which `ns` is at least 1 (ns for 0 and below). */
export function unitFor(ns: number): TimeUnit {
  const magnitude = Math.abs(ns);
  return UNITS.find((unit) => magnitude >= unit.ns) ?? UNITS[UNITS.length - 1];
}

function trim(value: number, digits: number): string {
  const fixed = value.toFixed(digits);
  return fixed.includes(".") ? fixed.replace(/\.?0+$/, "") : fixed;
}

/** A duration to about `significant` significant digits, e.g. 7190000 → "7.19 ms". */
export function formatDuration(ns: number, significant = 3): string {
  if (!Number.isFinite(ns)) return "—";
  // The unit of the rounded value: 999,999,620 ns is "1 s", not "1000 ms".
  const unit = unitFor(Number(Math.abs(ns).toPrecision(significant)));
  const value = ns / unit.ns;
  const digits = Math.max(0, significant - 1 - Math.floor(Math.log10(Math.max(Math.abs(value), 1))));
  return `${trim(value, digits)} ${unit.name}`;
}

/**
 * A moment in a run (ns since its start) precise enough for the window it is seen in: the step is the
 * distance between neighbouring labels or samples; the result keeps one digit below it, in seconds.
 */
export function formatInstant(ns: number, stepNs = 1): string {
  if (!Number.isFinite(ns)) return "—";
  const decimals = Math.min(9, Math.max(0, Math.ceil(9 - Math.log10(Math.max(stepNs, 1))) + 1));
  return `${(ns / 1e9).toFixed(Math.min(9, decimals))} s`;
}

/** Axis labels over a span: seconds for long spans, then ms and µs offsets, to the precision that fits. */
export function axisUnitFor(spanNs: number): TimeUnit {
  if (spanNs >= 5e9) return UNITS[0];
  if (spanNs >= 5e6) return UNITS[1];
  if (spanNs >= 5e3) return UNITS[2];
  return UNITS[3];
}

export function formatAxisTime(ns: number, spanNs: number): string {
  const unit = axisUnitFor(spanNs);
  const value = ns / unit.ns;
  const step = spanNs / unit.ns / 5;
  const decimals = Math.max(0, Math.min(6, Math.ceil(-Math.log10(step)) + 1));
  return `${trim(value, decimals)} ${unit.name}`;
}
