import { describe, expect, it } from "vitest";
import { axisUnitFor, formatDuration, formatInstant, formatRatio, parseDuration, unitFor } from "./units";

describe("units", () => {
  it("picks the largest unit that keeps the value at least 1", () => {
    expect(unitFor(7_190_000).name).toBe("ms");
    expect(unitFor(68_000).name).toBe("µs");
    expect(unitFor(430).name).toBe("ns");
    expect(unitFor(3.6e12).name).toBe("s");
  });

  it("formats durations to three significant digits, choosing the unit after rounding", () => {
    expect(formatDuration(7_190_000)).toBe("7.19 ms");
    expect(formatDuration(8_000)).toBe("8 µs");
    expect(formatDuration(8_013)).toBe("8.01 µs");
    expect(formatDuration(11_450)).toBe("11.4 µs");
    expect(formatDuration(68_123, 4)).toBe("68.12 µs");
    expect(formatDuration(999_996)).toBe("1 ms");
    expect(formatDuration(999.6)).toBe("1 µs");
    expect(formatDuration(430)).toBe("430 ns");
    expect(formatDuration(0)).toBe("0 ns");
    expect(formatDuration(-23_900)).toBe("-23.9 µs");
    expect([NaN, null, undefined].map((v) => formatDuration(v))).toEqual(["–", "–", "–"]);
  });

  it("reads durations only with their unit", () => {
    expect(
      ["100us", "1.5ms", "2 s", "750ns", "100µs", "10m", "1h", ".5ms"].map((t) => parseDuration(t)),
    ).toEqual([1e5, 1.5e6, 2e9, 750, 1e5, 600e9, 3600e9, 5e5]);
    expect(() => parseDuration("42")).toThrow(
      /"42" has no unit: write it with one of ns, us \(or µs\), ms, s/,
    );
    expect(() => parseDuration("fast")).toThrow(/expected a duration with its unit/);
    expect(() => parseDuration("3 weeks")).toThrow(/"weeks" is not a unit/);
    expect(() => parseDuration("-5us")).toThrow(/zero or more/);
    expect(parseDuration("-5us", { allowNegative: true })).toBe(-5000);
  });

  it("reads back what it prints", () => {
    for (const ns of [7_190_000, 8_000, 430, 34_180, 2.5e9])
      expect(parseDuration(formatDuration(ns, 4))).toBeCloseTo(ns, -1);
  });

  it("prints ratios to three significant digits, never ×0.00 for a small one", () => {
    expect([2.5, 0.001389, 1, 1234.4, 0, null].map(formatRatio)).toEqual([
      "×2.5",
      "×0.00139",
      "×1",
      "×1,234",
      "×0",
      "–",
    ]);
  });

  it("formats instants in seconds with the precision the step needs", () => {
    expect(formatInstant(1_234_567_891_234, 1)).toBe("1234.567891234 s");
    expect(formatInstant(1_234_567_891_234, 1e6)).toBe("1234.5679 s");
    expect(formatInstant(2e9, 1e9)).toBe("2.0 s");
  });

  it("reads long spans in seconds and short ones in ms, µs, ns", () => {
    expect(axisUnitFor(3.6e12).name).toBe("s");
    expect(axisUnitFor(10e6).name).toBe("ms");
    expect(axisUnitFor(1e6).name).toBe("µs");
    expect(axisUnitFor(1e3).name).toBe("ns");
  });
});
