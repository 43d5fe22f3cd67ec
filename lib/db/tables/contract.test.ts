import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CATALOGUE } from "./catalogue";

/** The tables and columns issue 10 named as a contract; the catalogue may add columns, never drop these. */
const CONTRACT: Record<string, string[]> = {
  runs: [
    "run_id",
    "bundle",
    "label",
    "environment",
    "scenario",
    "test",
    "threads",
    "samples",
    "start_ns",
    "end_ns",
    "baseline_ns",
    "max_duration_ns",
    "max_overhead_ns",
    "max_at_ts_ns",
    "p50_ns",
    "p90_ns",
    "p99_ns",
    "p999_ns",
    "p9999_ns",
    "tick_period_ns",
    "tick_cost_ns",
    "hz",
    "hypervisor",
  ],
  histogram: ["run_id", "lo_ns", "hi_ns", "count"],
  spikes: ["run_id", "ts_ns", "duration_ns", "overhead_ns"],
  seconds: ["run_id", "second", "max_ns", "count"],
  periods: ["run_id", "period_ns", "phase_ns", "regularity", "magnitude_ns"],
  tick_fold: ["run_id", "phase_bin", "phase_ns", "excess_ns", "samples"],
  samples: ["run_id", "ts_ns", "duration_ns"],
};

/** README's "DuckDB tables" table: each table's name and the column names it lists, in order. */
function readmeTables(): Map<string, string[]> {
  const readme = readFileSync(join(__dirname, "../../../README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## DuckDB tables"));
  const tables = new Map<string, string[]>();
  for (const line of section.split("\n").slice(1)) {
    if (line.startsWith("## ")) break;
    const row = /^\| `(\w+)` \| (.*) \|$/.exec(line);
    if (!row) continue;
    // The columns are the code spans before the description (after "`: "), asides in brackets left out.
    const end = row[2].indexOf("`: ");
    const columns = (end < 0 ? row[2] : row[2].slice(0, end + 1)).replace(/\([^)]*\)/g, "");
    tables.set(
      row[1],
      [...columns.matchAll(/`(\w+)`/g)].map((m) => m[1]),
    );
  }
  return tables;
}

describe("the DuckDB tables' contract", () => {
  it("the catalogue holds every table and column the contract names, in its order", () => {
    for (const [table, columns] of Object.entries(CONTRACT)) {
      const listed = CATALOGUE.find((t) => t.name === table)?.columns.map((c) => c.name) ?? [];
      expect(listed.filter((name) => columns.includes(name)), table).toEqual(columns);
    }
  });

  it("README lists exactly the catalogue's tables and columns", () => {
    const readme = readmeTables();
    expect([...readme.keys()]).toEqual(CATALOGUE.map((t) => t.name));
    for (const table of CATALOGUE)
      expect(readme.get(table.name), table.name).toEqual(table.columns.map((c) => c.name));
  });
});
