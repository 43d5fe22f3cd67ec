import { describe, expect, it } from "vitest";
import { axisUnitFor, formatDuration, formatInstant, unitFor } from "./units";

describe("units", () => {
  it("picks the largest unit that keeps the value at least 1", () => {
    expect(unitFor(7_190_000).name).toBe("ms");
    expect(unitFor(68_000).name).toBe("µs");
    expect(unitFor(430).name).toBe("ns");
    expect(unitFor(3.6e12).name).toBe("s");
  });

  it("formats durations to three significant digits", () => {
    expect(formatDuration(7_190_000)).toBe("7.19 ms");
    expect(formatDuration(8_000)).toBe("8 µs");
    expect(formatDuration(11_450)).toBe("11.4 µs");
    expect(formatDuration(68_123, 4)).toBe("68.12 µs");
    expect(formatDuration(0)).toBe("0 ns");
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
