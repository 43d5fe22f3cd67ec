import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildComparison } from "../analysis/comparison";
import { samplesAtOrAbove } from "../analysis/threshold";
import type { NodeDuckdb } from "../db/node-duckdb";
import { comparisonQuery, STATISTIC_COLUMNS, type TableStatistic } from "./comparison";
import { comparisonTable, type ComparisonCellRow } from "./comparison-table";
import { inlineParams } from "./sql";
import { loadedRuns, queryRows, type LoadedRun } from "./testing/loaded-runs";

let duck: NodeDuckdb;
let runs: LoadedRun[];

// Tick runs in three environments (two idle runs share the emulated cell), and switch runs at 2 threads.
beforeAll(async () => {
  const tick = (seed: number, spikeNs: number) => ({
    samples: 60_000,
    seed,
    spikeNs,
    tickCostNs: 5_000 + seed * 500,
  });
  ({ duck, runs } = await loadedRuns([
    { id: "bare", fields: { environment: "bare-machine", scenario: "idle" }, trace: tick(1, 20_000) },
    { id: "enl", fields: { environment: "enlightened", scenario: "idle" }, trace: tick(2, 900_000) },
    { id: "emu-a", fields: { environment: "emulated", scenario: "idle" }, trace: tick(3, 2_000_000) },
    { id: "emu-b", fields: { environment: "emulated", scenario: "idle" }, trace: tick(4, 3_000_000) },
    { id: "emu-mem", fields: { environment: "emulated", scenario: "memory" }, trace: tick(5, 1_500_000) },
    {
      id: "sw-bare",
      fields: { environment: "bare-machine", scenario: "idle", threads: 2 },
      trace: { samples: 60_000, test: "switch", seed: 6, spikeNs: 9_000 },
    },
    {
      id: "sw-emu",
      fields: { environment: "emulated", scenario: "idle", threads: 2 },
      trace: { samples: 60_000, test: "switch", seed: 7, spikeNs: 1_000_000 },
    },
  ]));
});

afterAll(() => duck.terminate());

/** Brute force: the statistic over the run's raw samples, as the chosen kind. */
function bruteForce(run: LoadedRun, statistic: TableStatistic, kind: "duration" | "overhead"): number {
  const offset = kind === "overhead" && run.test === "tick" ? run.summary.offsetNs : 0;
  const sorted = Float64Array.from(run.durations).sort();
  if (statistic === "max") return sorted[sorted.length - 1] - offset;
  const p = Number(statistic.slice(1));
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] - offset;
}

const cellOf = (rows: Record<string, unknown>[], environment: string, test: string, scenario: string) =>
  rows.find(
    (r) => r.source === "runs" && r.environment === environment && r.test === test && r.scenario === scenario,
  )!;

type Answer = Record<string, unknown>;
/** A cell's ratios (DuckDB's MAP, an Arrow MapRow) as [reference row, ratio] pairs. */
const ratiosOf = (row: Answer) => [...(row.ratios as Iterable<[string, number | null]>)];
const ratioTo = (row: Answer, reference: string) =>
  ratiosOf(row).find(([label]) => label === reference)?.[1] ?? null;
const plain = (row: Answer) => ({
  ...row,
  run_ids: [...(row.run_ids as Iterable<string>)],
  ratios: ratiosOf(row),
});

describe("the Comparison query, in DuckDB", () => {
  it("gives each cell the largest exact maximum of its runs, as overhead and as duration", () => {
    for (const kind of ["overhead", "duration"] as const) {
      const rows = queryRows(duck, comparisonQuery({ statistic: "max", kind, paperRows: false }));
      const emulated = cellOf(rows, "emulated", "tick", "idle");
      const truth = Math.max(
        ...runs
          .filter((r) => r.id.startsWith("emu-") && r.fields.scenario === "idle")
          .map((r) => bruteForce(r, "max", kind)),
      );
      expect(emulated.value_ns).toBeCloseTo(truth, 6);
      expect([...(emulated.run_ids as Iterable<string>)]).toEqual(["emu-a", "emu-b"]);
      expect(cellOf(rows, "emulated", "switch", "idle").value_ns).toBe(bruteForce(runs[6], "max", kind));
      expect(rows.filter((r) => r.source === "runs")).toHaveLength(6);
    }
  });

  it("gives percentiles within the histogram's error of the raw samples' own", () => {
    for (const statistic of Object.keys(STATISTIC_COLUMNS) as TableStatistic[]) {
      const rows = queryRows(duck, comparisonQuery({ statistic, kind: "duration", paperRows: false }));
      const bare = runs[0];
      const truth = bruteForce(bare, statistic, "duration");
      expect(
        Math.abs((cellOf(rows, "bare-machine", "tick", "idle").value_ns as number) - truth),
      ).toBeLessThanOrEqual(truth / 128 + 1);
    }
  });

  it("counts the samples at or above a threshold exactly, given in either kind or each run's own", () => {
    for (const [kind, thresholdNs] of [
      ["overhead", 20_000],
      ["overhead", 1_500],
      ["duration", 70_000],
      ["overhead", null],
      ["duration", null],
    ] as const) {
      const rows = queryRows(
        duck,
        comparisonQuery({ statistic: "above", kind, thresholdNs, paperRows: false }),
      );
      for (const run of runs) {
        const offset = run.test === "tick" ? run.summary.offsetNs : 0;
        const kindOffset = kind === "overhead" ? offset : 0;
        const own = run.summary.settings.spikeThresholdNs + offset - kindOffset;
        // The count starts at the first histogram edge at or above the threshold (a duration, here).
        const from = samplesAtOrAbove(run.summary, thresholdNs ?? own, kind).fromNs + kindOffset;
        const truth = run.durations.filter((d) => d >= from).length;
        const row = rows.find((r) =>
          (r.run_ids as Iterable<string> & { toArray(): string[] }).toArray().includes(run.id),
        );
        if (run.id.startsWith("emu-") && run.fields.scenario === "idle") continue; // two runs share the cell
        expect(row!.value_ns, `${run.id} ${kind} ${thresholdNs}`).toBe(truth);
      }
    }
  });

  it("divides each cell by every other row's cell in the same column", () => {
    const rows = queryRows(duck, comparisonQuery({ statistic: "max", kind: "overhead", paperRows: false }));
    const bare = bruteForce(runs[0], "max", "overhead");
    const enlightened = bruteForce(runs[1], "max", "overhead");
    const enl = cellOf(rows, "enlightened", "tick", "idle");
    expect(ratioTo(enl, "bare-machine")).toBeCloseTo(enlightened / bare, 9);
    expect(ratioTo(enl, "enlightened")).toBe(1);
    expect(ratioTo(cellOf(rows, "bare-machine", "tick", "idle"), "enlightened")).toBeCloseTo(
      bare / enlightened,
      9,
    );
    // Ratios only within a column: the tick cell has none to the switch runs' rows or to absent rows.
    expect(ratiosOf(enl).map(([label]) => label)).toEqual(["bare-machine", "emulated", "enlightened"]);
    // No bare-machine run under memory load: no reference cell, no ratio.
    expect(ratiosOf(cellOf(rows, "emulated", "tick", "memory"))).toEqual([["emulated", 1]]);
  });

  it("agrees with lib/analysis's comparison on every cell and ratio, the study's rows included", () => {
    const compared = runs.map((r) => ({ id: r.id, test: r.test, fields: r.fields, summary: r.summary }));
    for (const [statistic, kind, reference] of [
      ["max", "overhead", "paper first comparison: bare-machine"],
      ["max", "duration", "emulated"],
      ["p99", "overhead", "bare-machine"],
      ["p99.99", "duration", null],
      ["above", "overhead", "bare-machine"],
    ] as const) {
      const js = buildComparison(compared, {
        statistic,
        kind,
        reference: reference ?? undefined,
        paperRows: true,
      });
      const rows = queryRows(duck, comparisonQuery({ statistic, kind, paperRows: true }));
      const fromSql = new Map(
        rows.map((r) => [JSON.stringify([r.row_label, r.test, r.scenario, r.threads]), r]),
      );
      let cells = 0;
      for (const row of js.rows)
        row.cells.forEach((value, i) => {
          if (value === null) return;
          const column = js.columns[i];
          const sql = fromSql.get(JSON.stringify([row.label, column.test, column.scenario, column.threads]));
          expect(sql, `${row.label} ${column.label}`).toBeDefined();
          expect(sql!.value_ns).toBeCloseTo(value, 6);
          expect(reference === null ? null : ratioTo(sql!, reference)).toEqual(
            row.ratios[i] === null ? null : expect.closeTo(row.ratios[i]!, 9),
          );
          cells++;
        });
      expect(cells).toBe(rows.length);
    }
  });

  it("lays its rows out as lib/analysis's table: the same columns, rows, cells, ratios and runs", () => {
    const compared = runs.map((r) => ({ id: r.id, test: r.test, fields: r.fields, summary: r.summary }));
    const closeTo = (values: (number | null)[]) =>
      values.map((v) => (v === null ? null : expect.closeTo(v, 6)));
    for (const options of [
      { statistic: "max", kind: "overhead", reference: "paper first comparison: emulated", paperRows: true },
      { statistic: "max", kind: "duration", reference: "emulated", paperRows: ["second comparison"] },
      { statistic: "p90", kind: "overhead", reference: "bare-machine", paperRows: true },
      {
        statistic: "above",
        kind: "duration",
        thresholdNs: 75_000,
        reference: "enlightened",
        paperRows: false,
      },
      { statistic: "above", kind: "overhead", thresholdNs: null, reference: "nowhere", paperRows: false },
    ] as const) {
      const js = buildComparison(compared, {
        ...options,
        reference: options.reference,
        paperRows: options.paperRows as boolean | string[],
      });
      const query = { ...options, paperRows: options.paperRows as boolean | string[] };
      const table = comparisonTable(
        queryRows(duck, comparisonQuery(query)) as unknown as ComparisonCellRow[],
        query,
      );
      expect(table.columns).toEqual(js.columns);
      expect(table.rows.map((r) => [r.label, r.source, r.environment, r.runIds])).toEqual(
        js.rows.map((r) => [r.label, r.source, r.environment, r.runIds]),
      );
      table.rows.forEach((row, i) => {
        expect(row.cells).toEqual(closeTo(js.rows[i].cells));
        expect(row.ratios).toEqual(closeTo(js.rows[i].ratios));
      });
      expect({ ...table, columns: [], rows: [] }).toEqual({ ...js, columns: [], rows: [] });
    }
  });

  it("one answer lays the table out for every reference row: choosing another asks DuckDB nothing", () => {
    const compared = runs.map((r) => ({ id: r.id, test: r.test, fields: r.fields, summary: r.summary }));
    const options = { statistic: "max", kind: "overhead", paperRows: true } as const;
    const rows = queryRows(duck, comparisonQuery(options)) as unknown as ComparisonCellRow[];
    const references = [null, "bare-machine", "emulated", "paper first comparison: bare-machine", "nowhere"];
    for (const reference of references) {
      const js = buildComparison(compared, { ...options, reference: reference ?? undefined });
      const table = comparisonTable(rows, { ...options, reference });
      expect(table.reference, String(reference)).toBe(js.reference);
      table.rows.forEach((row, i) =>
        expect(row.ratios, `${reference} ${row.label}`).toEqual(
          js.rows[i].ratios.map((v) => (v === null ? null : expect.closeTo(v, 9))),
        ),
      );
    }
    // Not every ratio is 1 or empty: the references above give different tables.
    const ratios = (reference: string) => comparisonTable(rows, { ...options, reference }).rows[2].ratios;
    expect(ratios("bare-machine")).not.toEqual(ratios("emulated"));
  });

  it("its text with the parameters written in (what the SQL button opens) answers the same rows", () => {
    for (const query of [
      comparisonQuery({ statistic: "max", kind: "overhead", paperRows: true }),
      comparisonQuery({
        statistic: "above",
        kind: "duration",
        thresholdNs: 70_500,
        paperRows: false,
      }),
    ]) {
      const rows = duck.conn
        .query(inlineParams(query))
        .toArray()
        .map((r) => r.toJSON())
        .map(plain);
      expect(rows).toEqual(queryRows(duck, query).map(plain));
    }
  });
});
