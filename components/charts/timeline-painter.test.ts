import { describe, expect, it } from "vitest";
import { syntheticSampleBatches } from "@/lib/format/testing/synthetic-trace";
import { summarizeRun } from "@/lib/summary";
import { coarseLevels, coarseWindow } from "@/lib/workspace/coarse-window";
import type { WindowColumns } from "@/lib/workspace/types";
import type { AxesStyle } from "./timeline-axes";
import { drawnMax } from "./timeline-layer";
import { TimelinePainter } from "./timeline-painter";

// 200k samples over ~14 s with a 50 ms pause once a second.
const { batches, truth } = syntheticSampleBatches({
  samples: 200_000,
  test: "tick",
  baselineNs: 68_000,
  jitterNs: 200,
  tickPeriodNs: 1_000_000,
  tickCostNs: 8_000,
  spikePeriodNs: 1e9,
  spikeNs: 50_000_000,
});

const STYLE: AxesStyle = {
  line: "#ccc",
  label: "#666",
  font: "11px sans-serif",
  columns: "#4a7bea",
  points: "#e8743b",
  stall: "#19a979",
  marker: "#c94fa8",
  threshold: "#945ecf",
};

/** A canvas whose 2D context counts the strokes and fills drawn on it since it was last cleared. */
function fakeCanvas() {
  const drawn = { strokes: 0, fills: 0, clears: 0 };
  const noop = () => {};
  const context = new Proxy(
    {
      clearRect: () => {
        drawn.strokes = 0;
        drawn.fills = 0;
        drawn.clears++;
      },
      stroke: () => drawn.strokes++,
      fill: () => drawn.fills++,
      measureText: (text: string) => ({ width: text.length * 6 }),
    } as Record<string, unknown>,
    { get: (target, key: string) => (key in target ? target[key] : noop), set: () => true },
  );
  const canvas = { width: 0, height: 0, getContext: () => context } as unknown as HTMLCanvasElement;
  return { canvas, drawn };
}

function setUp() {
  const layer = fakeCanvas();
  const axes = fakeCanvas();
  const target = { dataset: {} as Record<string, string> } as unknown as HTMLElement;
  const painter = new TimelinePainter();
  painter.attach({ layer: layer.canvas, axes: axes.canvas, target });
  return { painter, layer: layer.drawn, axes: axes.drawn, marks: target.dataset };
}

describe("the timeline's painter", async () => {
  const summary = await summarizeRun(batches, { test: "tick" });
  const coarse = coarseLevels(summary.pyramid);
  const end = truth.lastTs;
  const exact = (t0: number, t1: number): WindowColumns => ({
    ...coarseWindow(summary.pyramid, t0, t1, 500)!,
    source: "pyramid",
  });

  it("draws a new window at once from the coarse levels and marks it shown, not drawn", () => {
    const { painter, layer, axes, marks } = setUp();
    painter.configure({ width: 584, height: 360, columns: 500, coarse, style: STYLE });
    painter.show(0, end);
    expect(marks.shown).toBe(`0:${end}`);
    expect(marks.drawn).toBe("");
    expect(marks.fill).toBe(`0:${end}:coarse`);
    expect(layer.strokes).toBeGreaterThan(0);
    expect(axes.strokes).toBeGreaterThan(0);
  });

  it("replaces the coarse picture with the exact answer when it covers the window, and says so", () => {
    const { painter, marks } = setUp();
    painter.configure({ width: 584, height: 360, columns: 500, coarse, style: STYLE });
    painter.show(0, end);
    const answer = exact(0, end);
    painter.answer(answer);
    expect(marks.drawn).toBe(`0:${end}:pyramid`);
    expect(marks.fill).toBe("");
    expect(Number(marks.drawnMax)).toBe(drawnMax(answer));
    expect(painter.data).toBe(answer);
  });

  it("keeps the last exact answer drawn while a window it does not cover waits, filling the rest coarse", () => {
    const { painter, layer, marks } = setUp();
    painter.configure({ width: 584, height: 360, columns: 500, coarse, style: STYLE });
    painter.show(end / 4, end / 2);
    painter.answer(exact(end / 4, end / 2));
    painter.show(0, end);
    expect(marks.shown).toBe(`0:${end}`);
    expect(marks.drawn).toBe(`${end / 4}:${end / 2}:pyramid`);
    expect(marks.fill).toBe(`0:${end}:coarse`);
    // The exact columns, then the fill before and after them: three strokes, nothing blank.
    expect(layer.strokes).toBe(3);
  });

  it("forgets the answer of another run", () => {
    const { painter, marks } = setUp();
    painter.configure({ width: 584, height: 360, columns: 500, coarse, style: STYLE });
    painter.show(0, end);
    painter.answer(exact(0, end));
    painter.answer(null);
    expect(marks.drawn).toBe("");
    expect(marks.drawnMax).toBe("");
    expect(marks.fill).toBe(`0:${end}:coarse`);
  });
});
