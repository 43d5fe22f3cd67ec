/**
 * tickscope's one unit vocabulary: every duration is nanoseconds inside, read from text by
 * `parseDuration` and written for people by `formatDuration` (CLI, server and browser alike). Chart axes
 * and moments in a run have their own jobs (`formatAxisTime`, `formatInstant`) but the same units.
 */

export type TimeUnit = { name: "ns" | "µs" | "ms" | "s"; ns: number };

export const UNITS: TimeUnit[] = [
  { name: "s", ns: 1e9 },
  { name: "ms", ns: 1e6 },
  { name: "µs", ns: 1e3 },
  { name: "ns", ns: 1 },
];

/** What `parseDuration` reads after a number (µs may be written us; m and min are minutes). */
const PARSED_UNITS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  min: 60e9,
  h: 3600e9,
};

export const DURATION_UNITS_TEXT = "ns, us (or µs), ms, s, m (or min), h";

export class DurationError extends Error {
  constructor(
    readonly text: string,
    message: string,
  ) {
    super(message);
    this.name = "DurationError";
  }
}

/**
 * "100us", "1.5 ms", "2s", "750ns", "10m", "1h" into nanoseconds. A number needs its unit: "100" alone
 * is refused (it meant seconds in one place and nanoseconds in another), as is anything unreadable.
 * Negative values are refused unless `allowNegative` (an overhead may lie below the baseline).
 */
export function parseDuration(text: string, { allowNegative = false } = {}): number {
  const match = /^\s*([-+]?)(\d+(?:\.\d*)?|\.\d+)\s*([a-zµ]*)\s*$/i.exec(text);
  if (!match)
    throw new DurationError(
      text,
      `expected a duration with its unit (${DURATION_UNITS_TEXT}) such as 100us or 2ms, found "${text}"`,
    );
  const [, sign, number, unitText] = match;
  if (unitText === "")
    throw new DurationError(
      text,
      `"${text}" has no unit: write it with one of ${DURATION_UNITS_TEXT}, such as ${number}us or ${number}ms`,
    );
  const unit = PARSED_UNITS[unitText === "µs" ? unitText : unitText.toLowerCase()];
  if (unit === undefined)
    throw new DurationError(
      text,
      `"${unitText}" is not a unit tickscope reads; use one of ${DURATION_UNITS_TEXT} (found "${text}")`,
    );
  if (sign === "-" && !allowNegative)
    throw new DurationError(text, `expected a duration of zero or more, found "${text}"`);
  return (sign === "-" ? -1 : 1) * Number(number) * unit;
}

/** The largest unit in which `ns` is at least 1 (ns for 0 and below). */
export function unitFor(ns: number): TimeUnit {
  const magnitude = Math.abs(ns);
  return UNITS.find((unit) => magnitude >= unit.ns) ?? UNITS[UNITS.length - 1];
}

function trim(value: number, digits: number): string {
  const fixed = value.toFixed(digits);
  return fixed.includes(".") ? fixed.replace(/\.?0+$/, "") : fixed;
}

/**
 * A duration to `significant` significant digits in the unit that fits: 7190000 → "7.19 ms",
 * 8000 → "8 µs", 999996 → "1 ms" (the unit is picked after rounding); "–" for a missing value.
 */
export function formatDuration(ns: number | null | undefined, significant = 3): string {
  if (ns === null || ns === undefined || !Number.isFinite(ns)) return "–";
  const rounded = Number(Math.abs(ns).toPrecision(significant));
  const unit = unitFor(rounded);
  const value = ns / unit.ns;
  const digits =
    unit.name === "ns"
      ? 0
      : Math.max(0, significant - 1 - Math.floor(Math.log10(Math.max(Math.abs(value), 1))));
  const text = trim(value, digits);
  return `${text === "-0" ? "0" : text} ${unit.name}`;
}

/** A ratio to a reference to three significant digits: ×2.5, ×0.00139, ×1,250. */
export function formatRatio(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return "–";
  if (ratio === 0) return "×0";
  if (Math.abs(ratio) >= 1000) return `×${Math.round(ratio).toLocaleString("en-US")}`;
  return `×${Number(ratio.toPrecision(3))}`;
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
