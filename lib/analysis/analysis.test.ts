import { describe, expect, it } from "vitest";
import { summarizeRun } from "../summary";
import { syntheticSampleBatches } from "../summary/testing/synthetic-trace";
import {
  buildComparison,
  parseDuration,
  parseStatistic,
  runReport,
  statisticOf,
  toCsv,
  toLatex,
  toMarkdown,
  formatNs,
} from "./index";

async function run(
  id: string,
  environment: string,
  test: "tick" | "switch",
  worstNs: number,
  threads?: number,
) {
  const { batches, truth } = syntheticSampleBatches({
    samples: 60_000,
    test,
    threads,
    spikePeriodNs: null,
    worst: { atNs: 1e9, ns: worstNs },
  });
  const summary = await summarizeRun(batches, { test });
  return { run: { id, test, fields: { environment, scenario: "one-to-all", threads }, summary }, truth };
}

describe("runReport", () => {
  it("gives the JSON fields the CLI promises, from the summary and the run's fields", async () => {
    const { run: r, truth } = await run("emu", "emulated", "tick", 7_190_000);
    const report = runReport(r.summary, {
      id: "emu",
      file: "runs/emu.arrow",
      test: "tick",
      fields: r.fields,
    });
    expect(Object.keys(report)).toEqual([
      "id",
      "file",
      "test",
      "environment",
      "scenario",
      "threads",
      "samples",
      "span_ns",
      "baseline_ns",
      "max_duration_ns",
      "max_overhead_ns",
      "max_at_ts_ns",
      "percentiles_ns",
      "tick",
      "periodic_spikes",
      "errors",
    ]);
    expect(report.max_duration_ns).toBe(truth.max.durationNs);
    expect(report.max_at_ts_ns).toBe(truth.max.ts);
    expect(report.max_overhead_ns).toBe(Math.round(truth.max.durationNs - r.summary.baseline.ns));
    expect(Object.keys(report.percentiles_ns)).toEqual(["50", "90", "99", "99.9", "99.99", "99.999"]);
    expect(report.tick!.period_ns).toBeGreaterThan(980_000);
    const failed = runReport(null, { id: "x", file: "x.arrow", fields: {} }, [
      { file: "x.arrow", expected: "Arrow" },
    ]);
    expect(failed).toMatchObject({ samples: null, max_overhead_ns: null, errors: [{ file: "x.arrow" }] });
  });
});

describe("buildComparison", () => {
  it("puts environments in rows and test/scenario/threads in columns, with ratios to a reference row", async () => {
    const runs = await Promise.all([
      run("bare-tick", "bare-machine", "tick", 10_000),
      run("emu-tick", "emulated", "tick", 7_190_000),
      run("emu-sw2", "emulated", "switch", 3_530_000, 2),
      run("bare-sw2", "bare-machine", "switch", 11_200, 2),
    ]);
    const table = buildComparison(
      runs.map((r) => r.run),
      { reference: "bare-machine" },
    );
    expect(table.columns.map((c) => c.label)).toEqual([
      "switch · one-to-all · 2 threads",
      "tick · one-to-all",
    ]);
    expect(table.rows.map((r) => r.label)).toEqual(["bare-machine", "emulated"]);
    const emu = table.rows[1];
    const bare = table.rows[0];
    expect(emu.cells[1]).toBe(statisticOf(runs[1].run.summary, "max"));
    expect(emu.cells[0]).toBe(runs[2].truth.max.durationNs);
    expect(emu.ratios[1]).toBeCloseTo(emu.cells[1]! / bare.cells[1]!, 9);
    expect(bare.ratios).toEqual([1, 1]);
    expect(emu.runIds).toEqual([["emu-sw2"], ["emu-tick"]]);

    const p99 = buildComparison(
      runs.map((r) => r.run),
      { statistic: "p99" },
    );
    expect(p99.rows[1].cells[1]).toBe(statisticOf(runs[1].run.summary, "p99"));
  });

  it("adds the study's published tables as rows and exports CSV, Markdown and LaTeX", async () => {
    const { run: r } = await run("emu-tick", "emulated", "tick", 7_190_000);
    const table = buildComparison([r], {
      paperRows: ["first comparison"],
      reference: "paper first comparison: emulated",
    });
    const paper = table.rows.filter((row) => row.source === "paper");
    expect(paper.map((row) => [row.label, row.cells[0]])).toEqual([
      ["paper first comparison: bare-machine", 10000],
      ["paper first comparison: emulated", 7190000],
      ["paper first comparison: enlightened", 4080000],
    ]);
    expect(table.rows[0].ratios[0]).toBeCloseTo(table.rows[0].cells[0]! / 7_190_000, 9);

    const csv = toCsv(table).trim().split("\n");
    expect(csv[0]).toBe("row,source,tick · one-to-all (ns),tick · one-to-all ratio");
    expect(csv[2]).toBe("paper first comparison: bare-machine,paper,10000,0.001");
    const md = toMarkdown(table);
    expect(md).toContain("| maximum | tick · one-to-all |");
    expect(md).toContain("| paper first comparison: emulated | 7.19 ms (×1.00) |");
    const tex = toLatex(table);
    expect(tex).toContain("\\begin{tabular}{lr}");
    expect(tex).toContain("paper first comparison: emulated & 7.19 ms ($\\times$1.00) \\\\");
  });
});

describe("units and statistics", () => {
  it("parses durations and statistics, and prints durations in readable units", () => {
    expect(["100us", "1.5ms", "2 s", "750ns", "42", "100µs"].map(parseDuration)).toEqual([
      1e5, 1.5e6, 2e9, 750, 42, 1e5,
    ]);
    expect(parseDuration("fast")).toBeNull();
    expect(["max", "p99.9", "50", "p0", "x"].map(parseStatistic)).toEqual([
      "max",
      "p99.9",
      "p50",
      null,
      null,
    ]);
    expect([999_996, 8_013, 430, 7_190_000, NaN].map(formatNs)).toEqual([
      "1.00 ms",
      "8.01 µs",
      "430 ns",
      "7.19 ms",
      "–",
    ]);
  });
});
