import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NodeDuckdb } from "../db/node-duckdb";
import { heatmapQuery } from "./heatmap";
import { inlineParams } from "./sql";
import { loadedRuns, queryRows, type LoadedRun } from "./testing/loaded-runs";

let duck: NodeDuckdb;
let run: LoadedRun;

// 20 s with a 2 ms stall once a second at 350 ms, some at random times, and a 5 ms one at 12.3 s.
beforeAll(async () => {
  ({
    duck,
    runs: [run],
  } = await loadedRuns([
    {
      id: "emu",
      fields: { environment: "emulated" },
      trace: { samples: 300_000, noiseSpikesPerSecond: 2, worst: { atNs: 12.3e9, ns: 5_000_000 }, seed: 3 },
    },
  ]));
});

afterAll(() => duck.terminate());

/** Brute force over the raw samples: the largest overhead of each cell, among samples at or above `atLeast`. */
function bruteForce(periodNs: number, phaseNs: number, columns: number, atLeast: number) {
  const cells = new Map<string, number>();
  for (let i = 0; i < run.ts.length; i++) {
    const overhead = run.durations[i] - run.summary.offsetNs;
    if (overhead < atLeast) continue;
    const phase = (((run.ts[i] - phaseNs) % periodNs) + periodNs) % periodNs;
    const key = `${Math.floor(run.ts[i] / 1e9)}:${Math.min(columns - 1, Math.floor((phase / periodNs) * columns))}`;
    cells.set(key, Math.max(cells.get(key) ?? -Infinity, overhead));
  }
  return cells;
}

describe("the heat map query, in DuckDB", () => {
  it("gives every cell above the spike threshold its exact largest overhead", () => {
    const threshold = run.summary.settings.spikeThresholdNs;
    for (const [periodNs, phaseNs, columns] of [
      [1e9, 0, 200],
      [1e9, 350e6, 50],
      [0.5e9, 123_456, 7],
    ]) {
      const rows = queryRows(
        duck,
        heatmapQuery({
          runId: "emu",
          periodNs,
          phaseNs,
          columns,
          fromSecond: 0,
          toSecond: 100,
          atLeastNs: threshold,
        }),
      );
      const truth = bruteForce(periodNs, phaseNs, columns, Math.ceil(threshold + 1e-9));
      expect(new Map(rows.map((r) => [`${r.second}:${r.col}`, r.max_overhead_ns]))).toEqual(truth);
    }
  });

  it("puts the once-a-second stall in one column every second, and the worst sample where it is", () => {
    const rows = queryRows(
      duck,
      heatmapQuery({
        runId: "emu",
        periodNs: 1e9,
        phaseNs: 0,
        columns: 100,
        fromSecond: 0,
        toSecond: 100,
        atLeastNs: 1e6,
      }),
    );
    // The stalled sample is the one running at 350 ms (12.3 s for the worst): it starts up to one 68 µs loop earlier.
    const columnOf = (ns: number) => Math.floor(((ns - 68_100) % 1e9) / 1e7);
    const stalls = rows.filter((r) => r.col === columnOf(350e6));
    expect(stalls.length).toBe(Math.floor((run.ts[run.ts.length - 1] - 350e6) / 1e9) + 1);
    const worst = rows.reduce((a, b) =>
      (a.max_overhead_ns as number) >= (b.max_overhead_ns as number) ? a : b,
    );
    expect(worst).toMatchObject({ second: 12, col: columnOf(12.3e9) });
  });

  it("answers no rows for a run that is not loaded", () => {
    expect(
      queryRows(
        duck,
        heatmapQuery({
          runId: "x",
          periodNs: 1e9,
          phaseNs: 0,
          columns: 10,
          fromSecond: 0,
          toSecond: 9,
          atLeastNs: 0,
        }),
      ),
    ).toEqual([]);
  });

  it("its text with the parameters written in (what the SQL button opens) answers the same rows", () => {
    const query = heatmapQuery({
      runId: "emu",
      periodNs: 1e9,
      phaseNs: 123_456,
      columns: 50,
      fromSecond: 0,
      toSecond: 100,
      atLeastNs: run.summary.spikes.thresholdNs,
    });
    expect(
      duck.conn
        .query(inlineParams(query))
        .toArray()
        .map((r) => r.toJSON()),
    ).toEqual(queryRows(duck, query));
  });
});
