import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NodeDuckdb } from "../db/node-duckdb";
import { localExcess, TICK_WINDOW_SAMPLES } from "../summary/tick";
import { tickFoldQuery } from "./tick-fold";
import { inlineParams } from "./sql";
import { loadedRuns, queryRows, type LoadedRun } from "./testing/loaded-runs";

let duck: NodeDuckdb;
let run: LoadedRun;
let sw: LoadedRun;

// A 1 ms tick of 8 µs at 0.4 ms in the period, on the study's 68 µs loop, without stalls (so no excess
// reaches the fold's cap), and a switch run (no tick, so no fold).
beforeAll(async () => {
  ({
    duck,
    runs: [run, sw],
  } = await loadedRuns([
    {
      id: "tick",
      fields: { environment: "emulated" },
      trace: {
        samples: 300_000,
        tickPeriodNs: 1e6,
        tickPhaseNs: 400_000,
        tickCostNs: 8_000,
        spikePeriodNs: null,
        seed: 5,
      },
    },
    {
      id: "sw",
      fields: { environment: "emulated", threads: 2 },
      trace: { samples: 50_000, test: "switch", seed: 6 },
    },
  ]));
});

afterAll(() => duck.terminate());

/**
 * Brute force over the raw samples the tick was estimated from (the run's last 2^17): each sample's
 * excess over the median of its 16 neighbours (above 0), placed by its middle in the summary's bins,
 * `per` bins to a point; the mean excess of each point.
 */
function bruteForce(per: number) {
  const { periodNs, fold } = run.summary.tick!;
  const from = run.ts.length - TICK_WINDOW_SAMPLES;
  const ts = run.ts.subarray(from);
  const du = run.durations.subarray(from);
  const excess = localExcess(du);
  const bins = fold!.samples.length;
  const sum = new Float64Array(Math.ceil(bins / per));
  const count = new Float64Array(sum.length);
  for (let i = 0; i < ts.length; i++) {
    const bin = Math.min(bins - 1, Math.floor(((ts[i] + du[i] / 2 - ts[0]) % periodNs) / fold!.binNs));
    sum[Math.floor(bin / per)] += Math.max(0, excess[i]);
    count[Math.floor(bin / per)]++;
  }
  return { mean: Array.from(sum, (s, c) => s / count[c]), count: Array.from(count) };
}

describe("the Tick pattern's fold query, in DuckDB", () => {
  it("gives each point the mean excess of the raw samples whose middle falls in it", () => {
    for (const per of [1, 3, 8]) {
      const rows = queryRows(duck, tickFoldQuery({ runId: "tick", binsPerColumn: per }));
      const truth = bruteForce(per);
      expect(rows).toHaveLength(truth.mean.length);
      for (const row of rows) {
        const col = row.col as number;
        expect(row.samples).toBe(truth.count[col]);
        expect(row.mean_excess_ns as number).toBeCloseTo(truth.mean[col], 6);
      }
    }
  });

  it("puts the tick's bump at 0 from the tick, as high as the tick costs", () => {
    const rows = queryRows(duck, tickFoldQuery({ runId: "tick", binsPerColumn: 1 }));
    const peak = rows.reduce((a, b) =>
      (a.mean_excess_ns as number) >= (b.mean_excess_ns as number) ? a : b,
    );
    // The sample holding the tick has its middle within half a sample (68 + 8 µs) of it.
    expect(Math.abs(peak.from_tick_ns as number)).toBeLessThan(38_000 + (peak.width_ns as number));
    expect(peak.mean_excess_ns as number).toBeGreaterThan(0.5 * 8_000);
    expect(peak.mean_excess_ns as number).toBeLessThan(1.1 * 8_000);
    const spread = rows.map((r) => r.from_tick_ns as number);
    expect(Math.min(...spread)).toBeGreaterThanOrEqual(-0.5e6 - 1e3);
    expect(Math.max(...spread)).toBeLessThan(0.5e6);
    expect(spread).toEqual([...spread].sort((a, b) => a - b));
  });

  it("answers no rows for a run without a tick", () => {
    expect(sw.summary.tick).toBeNull();
    expect(queryRows(duck, tickFoldQuery({ runId: "sw", binsPerColumn: 1 }))).toEqual([]);
  });

  it("its text with the parameters written in (what the SQL button opens) answers the same rows", () => {
    const query = tickFoldQuery({ runId: "tick", binsPerColumn: 2 });
    expect(
      duck.conn
        .query(inlineParams(query))
        .toArray()
        .map((r) => r.toJSON()),
    ).toEqual(queryRows(duck, query));
  });
});
