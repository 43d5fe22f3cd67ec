import { strToU8, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { readZipBundle } from "../format/bundle-reader";
import { readRunBatches } from "../format/run-reader";
import { encodeRunFile } from "../format/run-writer";
import { encodeSummary, percentile, summarizeRun } from "../summary";
import { firstDifference } from "../summary/testing/first-difference";
import { encodeSyntheticRun, syntheticSampleBatches } from "../format/testing/synthetic-trace";
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
      "attribution",
      "worst",
      "errors",
      "recovered",
    ]);
    // A run without kernel events has no attribution: null, never zeros.
    expect(report).toMatchObject({ attribution: null, worst: null, tick: { cause: null, causes: null } });
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

  it("adds the study's maxima in their own columns, once, and exports CSV, Markdown and LaTeX alike", async () => {
    const idle = await run("emu-tick", "emulated", "tick", 7_190_000);
    const memory = await run("emu-tick-mem", "emulated", "tick", 5_000_000);
    memory.run.fields = { ...memory.run.fields, scenario: "memory-load" };
    const table = buildComparison([idle.run, memory.run], {
      paperRows: ["first comparison"],
      reference: "paper first comparison: emulated",
    });
    expect(table.columns.map((c) => c.label)).toEqual([
      "tick · any scenario",
      "tick · memory-load",
      "tick · one-to-all",
    ]);
    const paper = table.rows.filter((row) => row.source === "paper");
    // The study's value sits once, in its own column, not under each of the runs' scenarios.
    expect(paper.map((row) => [row.label, ...row.cells])).toEqual([
      ["paper first comparison: bare-machine", 10000, null, null],
      ["paper first comparison: emulated", 7190000, null, null],
      ["paper first comparison: enlightened", 4080000, null, null],
    ]);
    expect(table.paperNote).toMatch(/does not say which scenario/);
    const bare = paper[0];
    expect(bare.ratios[0]).toBeCloseTo(10_000 / 7_190_000, 9);

    const csv = toCsv(table).trim().split("\n");
    expect(csv[0]).toBe(
      "maximum overhead,source,tick · any scenario (overhead ns),tick · any scenario ratio," +
        "tick · memory-load (overhead ns),tick · memory-load ratio,tick · one-to-all (overhead ns),tick · one-to-all ratio",
    );
    expect(csv[2]).toBe("paper first comparison: bare-machine,paper,10000,0.001,,,,");
    const md = toMarkdown(table);
    expect(md).toContain(
      "| maximum overhead | tick · any scenario | tick · memory-load | tick · one-to-all |",
    );
    // A bare-machine cell is a thousandth of the reference: its ratio says so instead of ×0.00.
    expect(md).toContain("| paper first comparison: bare-machine | 10 µs (×0.00139) | – | – |");
    expect(md).toContain("| paper first comparison: emulated | 7.19 ms (×1) | – | – |");
    const tex = toLatex(table);
    expect(tex).toContain("\\begin{tabular}{lrrr}");
    expect(tex).toContain("paper first comparison: emulated & 7.19 ms ($\\times$1) & -- & -- \\\\");
  });

  it("shows the study's rows only where the study has the value, and says so", async () => {
    const tick = await run("emu-tick", "emulated", "tick", 7_190_000);
    const sw = await run("emu-sw2", "emulated", "switch", 3_530_000, 2);
    const runs = [tick.run, sw.run];
    const p99 = buildComparison(runs, { statistic: "p99", paperRows: true });
    expect(p99.rows.filter((row) => row.source === "paper")).toEqual([]);
    expect(p99.paperNote).toMatch(/maxima only/);

    const duration = buildComparison(runs, { kind: "duration", paperRows: ["first comparison"] });
    const at = (label: string) => duration.columns.findIndex((c) => c.label === label);
    const emulated = duration.rows.find((row) => row.label === "paper first comparison: emulated")!;
    // Tick maxima are overheads: not shown as durations. Switch maxima are latencies: shown either way.
    expect(emulated.cells[at("tick · any scenario")]).toBeNull();
    expect(emulated.cells[at("switch · any scenario · 2 threads")]).toBe(3_530_000);
    expect(duration.paperNote).toMatch(/tick maxima are overheads/);
  });

  it("gives duration or overhead as asked, and the same number the Distributions table shows", async () => {
    const { run: r, truth } = await run("emu-tick", "emulated", "tick", 7_190_000);
    const both = (kind: "duration" | "overhead") =>
      buildComparison([r], { kind, statistic: "max" }).rows[0].cells[0];
    expect(both("duration")).toBe(truth.max.durationNs);
    expect(both("overhead")).toBe(truth.max.durationNs - r.summary.offsetNs);
    const p50 = buildComparison([r], { kind: "duration", statistic: "p50" });
    expect(p50.rows[0].cells[0]).toBe(statisticOf(r.summary, "p50", { kind: "duration" }));
    expect(p50.rows[0].cells[0]).toBe(percentile(r.summary.histogram, 50));
    expect(toMarkdown(p50)).toContain("| 50th percentile duration |");
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
