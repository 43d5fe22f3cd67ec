import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syntheticSampleBatches } from "../../format/testing/synthetic-trace";
import { summarizeRun, type RunSummary } from "../../summary";
import { openNodeDuckdb, type NodeDuckdb } from "../node-duckdb";
import { CATALOGUE } from "./catalogue";
import { createTables, loadRun } from "./load";

let duck: NodeDuckdb;
let summary: RunSummary;
let truth: ReturnType<typeof syntheticSampleBatches>["truth"];
let allDurations: Float64Array;

const rows = (sql: string) =>
  duck.conn
    .query(sql)
    .toArray()
    .map((r) => r.toJSON());

beforeAll(async () => {
  // 20 s of a tick run with a 2 ms stall once a second and one 5 ms worst sample at 12.3 s.
  const generated = syntheticSampleBatches({ samples: 300_000, worst: { atNs: 12.3e9, ns: 5_000_000 } });
  truth = generated.truth;
  allDurations = Float64Array.from(generated.batches.flatMap((b) => Array.from(b.duration)));
  summary = await summarizeRun(generated.batches, { test: "tick" });
  duck = await openNodeDuckdb();
  await createTables(duck.conn);
  await loadRun(
    duck.conn,
    {
      runId: "b.zip/tick-1",
      bundle: "b.zip",
      label: "<b>tick</b>'); DROP TABLE runs; --",
      fields: { environment: "emulated", scenario: "idle", host: { hypervisor: "hyperv" } },
      hz: 1000,
    },
    summary,
  );
  await loadRun(
    duck.conn,
    { runId: "b.zip/broken", bundle: "b.zip", label: "broken", fields: {}, hz: null },
    null,
    "runs/broken.summary: expected a TKSUM2 summary, found 12 bytes",
  );
});

afterAll(() => duck.terminate());

describe("tables loaded from a run's summary, in DuckDB", () => {
  it("creates every catalogue table with exactly its columns and types", () => {
    for (const table of CATALOGUE) {
      const described = rows(`DESCRIBE ${table.name}`).map((r) => [r.column_name, r.column_type]);
      expect(described).toEqual(table.columns.map((c) => [c.name, c.type]));
    }
  });

  it("runs holds the run's true worst overhead, its sample count and where the worst sample is", () => {
    const [run] = rows("SELECT * FROM runs");
    expect(Number(run.samples)).toBe(truth.samples);
    expect(run.max_duration_ns).toBe(truth.max.durationNs);
    expect(run.max_at_ts_ns).toBe(truth.max.ts);
    expect(run.max_overhead_ns).toBeCloseTo(truth.max.durationNs - summary.offsetNs, 6);
    expect(Math.abs((run.baseline_ns as number) - truth.baselineNs)).toBeLessThan(200);
    expect(run).toMatchObject({ environment: "emulated", scenario: "idle", hz: 1000, hypervisor: "hyperv" });
    expect(Math.abs((run.tick_period_ns as number) - 1_000_000)).toBeLessThan(100);
  });

  it("a label carrying SQL and HTML stays data", () => {
    expect(rows("SELECT label FROM runs")).toEqual([{ label: "<b>tick</b>'); DROP TABLE runs; --" }]);
  });

  it("the histogram holds every sample, and its buckets bracket the true percentiles", () => {
    const [{ n }] = rows("SELECT sum(count)::DOUBLE AS n FROM histogram");
    expect(n).toBe(truth.samples);
    const sorted = Float64Array.from(allDurations).sort();
    const trueP99 = sorted[Math.ceil(0.99 * sorted.length) - 1];
    const [bucket] = rows(
      `SELECT lo_ns, hi_ns FROM (SELECT lo_ns, hi_ns, sum(count) OVER (ORDER BY lo_ns) AS seen FROM histogram)
       WHERE seen >= ${Math.ceil(0.99 * truth.samples)} ORDER BY lo_ns LIMIT 1`,
    );
    expect(trueP99).toBeGreaterThanOrEqual(bucket.lo_ns as number);
    expect(trueP99).toBeLessThan(bucket.hi_ns as number);
  });

  it("each histogram bucket's at_or_above is the count of samples at or above its lower edge", () => {
    const buckets = rows("SELECT lo_ns, at_or_above::DOUBLE AS at_or_above FROM histogram ORDER BY lo_ns");
    expect(buckets.length).toBeGreaterThan(10);
    const sorted = Float64Array.from(allDurations).sort();
    for (const { lo_ns, at_or_above } of buckets) {
      let first = 0;
      while (first < sorted.length && sorted[first] < (lo_ns as number)) first++;
      expect(at_or_above, `bucket from ${lo_ns} ns`).toBe(sorted.length - first);
    }
  });

  it("spikes hold every sample above the spike threshold, the worst one included", () => {
    const threshold = summary.settings.spikeThresholdNs + summary.offsetNs;
    const expected = allDurations.filter((d) => d > threshold).length;
    const [{ n, worst }] = rows(
      `SELECT count(*) FILTER (WHERE duration_ns > ${threshold})::DOUBLE AS n, max(duration_ns) AS worst FROM spikes`,
    );
    expect(n).toBe(expected);
    expect(worst).toBe(truth.max.durationNs);
  });

  it("seconds hold each second's maximum; periods the once-a-second family", () => {
    const seconds = rows("SELECT second, max_ns FROM seconds ORDER BY second");
    expect(seconds.length).toBe(Math.floor(truth.lastTs / 1e9) + 1);
    expect(seconds.find((s) => s.second === 12)?.max_ns).toBe(truth.max.durationNs);
    const [family] = rows("SELECT period_ns, phase_ns FROM periods ORDER BY regularity DESC LIMIT 1");
    expect(Math.abs((family.period_ns as number) - 1e9)).toBeLessThan(1e6);
  });

  it("tick_fold holds the summary's fold, bin by bin, and runs the tick's phase and the spike floors", () => {
    const fold = summary.tick!.fold!;
    const bins = rows(
      "SELECT phase_bin, phase_ns, excess_ns, samples::DOUBLE AS samples FROM tick_fold ORDER BY phase_bin",
    );
    expect(bins).toHaveLength(fold.samples.length);
    bins.forEach((bin, b) => {
      expect(bin.phase_bin).toBe(b);
      expect(bin.excess_ns).toBe(fold.excessNs[b]);
      expect(bin.samples).toBe(fold.samples[b]);
      expect(bin.phase_ns).toBeGreaterThanOrEqual(0);
      expect(bin.phase_ns).toBeLessThan(summary.tick!.periodNs);
    });
    const [run] = rows("SELECT * FROM runs");
    expect(run.tick_phase_ns).toBe(summary.tick!.phaseNs);
    expect(run.min_duration_ns).toBe(allDurations.reduce((a, b) => Math.min(a, b)));
    expect(run.offset_ns).toBe(summary.offsetNs);
    expect(run.spike_threshold_ns).toBe(summary.settings.spikeThresholdNs);
    expect(run.spikes_above_ns).toBe(summary.spikes.thresholdNs);
  });

  it("a run without a summary has no rows, and load_errors says which run and why", () => {
    expect(rows("SELECT count(*)::DOUBLE AS n FROM runs WHERE run_id = 'b.zip/broken'")).toEqual([{ n: 0 }]);
    expect(rows("SELECT * FROM load_errors")).toEqual([
      { run_id: "b.zip/broken", reason: "runs/broken.summary: expected a TKSUM2 summary, found 12 bytes" },
    ]);
  });
});
