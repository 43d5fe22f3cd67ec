/** The charts' units are lib's one unit vocabulary (lib/analysis/units.ts), re-exported for the chart code. */
export {
  UNITS,
  unitFor,
  formatDuration,
  formatInstant,
  axisUnitFor,
  formatAxisTime,
  type TimeUnit,
} from "@/lib/analysis/units";
