/** Nanosecond durations as people write them ("100us", "1.5 ms") and as tickscope prints them. */
const UNITS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9 };

/** Parses "100us", "1.5ms", "2 s", "750ns" or a bare number of nanoseconds; null if unreadable. */
export function parseDuration(text: string): number | null {
  const match = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(ns|us|µs|ms|s)?\s*$/i.exec(text);
  if (!match) return null;
  return Number(match[1]) * UNITS[(match[2] ?? "ns").toLowerCase()];
}

/** "7.19 ms", "8.01 µs", "430 ns": three significant digits in the largest fitting unit. */
export function formatNs(ns: number | null | undefined): string {
  if (ns === null || ns === undefined || !Number.isFinite(ns)) return "–";
  // Pick the unit after rounding to three digits, so 999,996 ns reads "1.00 ms", not "1000 µs".
  const abs = Number(Math.abs(ns).toPrecision(3));
  const [value, unit] =
    abs >= 1e9 ? [ns / 1e9, "s"] : abs >= 1e6 ? [ns / 1e6, "ms"] : abs >= 1e3 ? [ns / 1e3, "µs"] : [ns, "ns"];
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toFixed(unit === "ns" ? 0 : digits)} ${unit}`;
}
