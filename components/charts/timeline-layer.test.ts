import { describe, expect, it } from "vitest";
import type { WindowColumns } from "@/lib/workspace/types";
import { drawnMax, drawWindow, plotMapping, PLOT_GRID, valueRange } from "./timeline-layer";

// Four 1 µs columns over [0, 4000) ns; the second holds a 7.19 µs sample, the third is empty.
function columns(overrides: Partial<WindowColumns> = {}): WindowColumns {
  return {
    t0: 0,
    t1: 4000,
    start: Float64Array.from([0, 1000, 2000, 3000]),
    min: Float64Array.from([68, 68, NaN, 70]),
    max: Float64Array.from([76, 7190, NaN, 80]),
    minTs: Float64Array.from([10, 1100, NaN, 3010]),
    maxTs: Float64Array.from([500, 1500, NaN, 3900]),
    count: Float64Array.from([10, 12, 0, 9]),
    raw: null,
    source: "pyramid",
    samples: 31,
    ...overrides,
  };
}

/** A 2D context that records the path it is given. */
function recorder() {
  const calls: [string, number, number][] = [];
  const context = {
    save() {},
    restore() {},
    clip() {},
    rect() {},
    beginPath() {},
    stroke() {},
    fill() {},
    moveTo: (x: number, y: number) => calls.push(["move", x, y]),
    lineTo: (x: number, y: number) => calls.push(["line", x, y]),
    arc: (x: number, y: number) => calls.push(["arc", x, y]),
  };
  return { context: context as unknown as CanvasRenderingContext2D, calls };
}

describe("the timeline's canvas layer", () => {
  it("sizes the duration axis to what is drawn: from 0 in whole steps, or whole powers of ten", () => {
    expect(valueRange([columns()], false)).toEqual({ min: 0, max: 8000, interval: 1000, log: false });
    expect(valueRange([columns()], true)).toEqual({ min: 10, max: 10_000, log: true });
    expect(valueRange([null], false).max).toBeGreaterThan(0);
  });

  it("maps the window onto the plot inside the grid", () => {
    const map = plotMapping(1000, 400, 1000, 3000, { min: 0, max: 100, log: false });
    expect(map.x(1000)).toBe(PLOT_GRID.left);
    expect(map.x(3000)).toBe(1000 - PLOT_GRID.right);
    expect(map.y(0)).toBe(400 - PLOT_GRID.bottom);
    expect(map.y(100)).toBe(PLOT_GRID.top);
    const log = plotMapping(1000, 400, 0, 1, { min: 10, max: 1000, log: true });
    expect(log.y(100)).toBeCloseTo((PLOT_GRID.top + 400 - PLOT_GRID.bottom) / 2);
  });

  it("draws every column's exact min and max in the order they happened, broken at empty columns", () => {
    const { context, calls } = recorder();
    const map = plotMapping(1084, 400, 0, 4000, { min: 0, max: 8000, log: false });
    drawWindow(context, map, columns(), "#000");
    const ys = calls.map(([, , y]) => Math.round(map.y(0) - y));
    const values = calls.map(([kind, x, y]) => [
      kind,
      Math.round(x),
      Math.round(((map.y(0) - y) / map.height) * 8000),
    ]);
    // min first in column 0 and 1, the empty column breaks the line, column 3 starts a new one.
    expect(values.map(([kind]) => kind)).toEqual(["move", "line", "line", "line", "move", "line"]);
    expect(values[2][2]).toBe(68);
    expect(values[3][2]).toBe(7190);
    expect(Math.max(...ys)).toBe(Math.round((7190 / 8000) * map.height));
    expect(drawnMax(columns())).toBe(7190);
  });

  it("draws raw samples as points, and only those inside the span it is given", () => {
    const { context, calls } = recorder();
    const raw = { ts: Float64Array.from([100, 2500, 3900]), value: Float64Array.from([68, 1999, 70]) };
    const window = columns({ raw, source: "raw" });
    const map = plotMapping(1084, 400, 0, 4000, { min: 0, max: 2000, log: false });
    drawWindow(context, map, window, "#000", 0, 3000);
    expect(calls.filter(([kind]) => kind === "arc").map(([, x]) => Math.round(x))).toEqual([
      Math.round(map.x(100)),
      Math.round(map.x(2500)),
    ]);
    expect(drawnMax(window)).toBe(1999);
  });
});
