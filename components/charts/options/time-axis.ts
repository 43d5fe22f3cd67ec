import { axisUnitFor, formatDuration } from "../units";

/**
 * A time axis over [t0, t1] (ns since the run started). Long spans read in seconds; short ones in ms, µs
 * or ns counted from a round origin just before t0, which the axis name gives, so labels stay short
 * even deep inside an hour-long run.
 */
export function timeAxisLabels(
  t0: number,
  t1: number,
): { origin: number; unit: string; name: string; format: (ns: number) => string } {
  const span = Math.max(t1 - t0, 1);
  const unit = axisUnitFor(span);
  if (unit.name === "s") {
    const decimals = span >= 50e9 ? 0 : 1;
    return { origin: 0, unit: "s", name: "time (s)", format: (ns) => (ns / 1e9).toFixed(decimals) };
  }
  const step = 10 ** Math.ceil(Math.log10(span));
  const origin = Math.floor(t0 / step) * step;
  const decimals = Math.max(0, Math.min(3, Math.ceil(-Math.log10(span / unit.ns / 5))));
  return {
    origin,
    unit: unit.name,
    name: `time (${unit.name} after ${(origin / 1e9).toFixed(Math.max(0, 9 - Math.round(Math.log10(step))))} s)`,
    format: (ns) => ((ns - origin) / unit.ns).toFixed(decimals),
  };
}

export function durationAxisLabel(ns: number): string {
  return ns === 0 ? "0" : formatDuration(ns, 3);
}
