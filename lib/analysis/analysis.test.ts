import { strToU8, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { readZipBundle } from "../format/bundle-reader";
import { readRunBatches } from "../format/run-reader";
import { encodeRunFile } from "../format/run-writer";
import { encodeSummary, percentile, summarizeRun } from "../summary";
import { firstDifference } from "../summary/testing/first-difference";
import { encodeSyntheticRun, syntheticSampleBatches } from "../summary/testing/synthetic-trace";
import {
  buildComparison,
  parseStatistic,
  runReport,
  statisticOf,
  summarizeBundleRun,
  toCsv,
  toLatex,
  toMarkdown,
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
  it("parses statistics", () => {
    expect(["max", "p99.9", "50", "p0", "x"].map(parseStatistic)).toEqual([
      "max",
      "p99.9",
      "p50",
      null,
      null,
    ]);
  });
});

describe("summarizeBundleRun", () => {
  it("loads a summary saved next to its run (named in the manifest), equal to a fresh one", async () => {
    const { bytes } = encodeSyntheticRun({ samples: 50_000 });
    const fresh = await summarizeRun(readRunBatches(bytes, "runs/a.arrow"));
    const manifest = {
      format: "latency-bundle",
      version: 1,
      runs: [{ id: "a", file: "runs/a.arrow", summary: "runs/a.summary" }],
    };
    const bundle = await readZipBundle(
      zipSync({
        "manifest.json": strToU8(JSON.stringify(manifest)),
        "runs/a.arrow": bytes,
        "runs/a.summary": encodeSummary(fresh),
      }),
      "b.zip",
    );
    const saved = await summarizeBundleRun(bundle, bundle.runs[0]);
    expect(saved.source).toBe("saved");
    expect(firstDifference(saved.summary, fresh)).toBeNull();
    const computed = await summarizeBundleRun(bundle, bundle.runs[0], { useSaved: false });
    expect(computed.source).toBe("computed");
    expect(firstDifference(computed.summary, fresh)).toBeNull();
  });

  it("summarises a histogram run (cyclictest) with the source's own maximum", async () => {
    const run = encodeRunFile(
      { bucket_ns: BigInt64Array.from([1000n, 2000n, 3000n]), count: BigInt64Array.from([90n, 9n, 1n]) },
      { kind: "histogram", test: "cyclictest", run: { environment: "bare-machine", max: 3400 } as never },
    );
    const manifest = { format: "latency-bundle", version: 1, runs: [{ id: "c", file: "c.arrow" }] };
    const bundle = await readZipBundle(
      zipSync({ "manifest.json": strToU8(JSON.stringify(manifest)), "c.arrow": run }),
      "c.zip",
    );
    expect(bundle.runs[0]).toMatchObject({ kind: "histogram", test: "cyclictest", errors: [] });
    const { summary } = await summarizeBundleRun(bundle, bundle.runs[0]);
    expect(summary).toMatchObject({ kind: "histogram", count: 100, max: { durationNs: 3400 } });
    expect(Math.abs(percentile(summary!.histogram, 50) - 1000)).toBeLessThanOrEqual(1000 * 0.01);
    expect(Math.abs(percentile(summary!.histogram, 95) - 2000)).toBeLessThanOrEqual(2000 * 0.01);
  });
});
