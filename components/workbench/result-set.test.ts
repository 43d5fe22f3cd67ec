import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openNodeDuckdb, type NodeDuckdb } from "@/lib/db/node-duckdb";
import { sqlResultOption } from "../charts/options/sql-result";
import { CATALOGUE_SQL, groupCatalogue } from "./catalogue";
import { chartInput, pickChart } from "./chart-pick";
import { resultCsv } from "./result-csv";
import { ResultRow } from "./result-table";
import { ResultCollector, cellText, cellValue, type ArrowBatchLike, type ResultSet } from "./result-set";

const HTML_LABEL = `<img src=x onerror="alert(1)">`;
const SQL_LABEL = `x'); DROP TABLE runs; --`;

let duck: NodeDuckdb;

function query(sql: string, cap = 1000): ResultSet {
  const table = duck.conn.query(sql) as unknown as {
    batches: ArrowBatchLike[];
    schema: ArrowBatchLike["schema"];
  };
  const collector = new ResultCollector(cap);
  for (const batch of table.batches) collector.add(batch);
  return collector.result(table.schema.fields);
}

beforeAll(async () => {
  duck = await openNodeDuckdb();
  // The `runs` table's contract (issue 10), in part: enough for the workbench's tests.
  duck.conn.query(`CREATE TABLE runs (run_id VARCHAR, label VARCHAR, environment VARCHAR, samples BIGINT,
    max_overhead_ns BIGINT, p99_ns DOUBLE)`);
  duck.conn.query(`INSERT INTO runs VALUES
    ('a', '${HTML_LABEL.replace(/'/g, "''")}', 'kvm', 9223372036854775807, 9007199254740993, 1500.5),
    ('b', '${SQL_LABEL.replace(/'/g, "''")}', 'bare', 10, 42000, NULL)`);
});

afterAll(async () => {
  await duck.terminate();
});

describe("the workbench's results", () => {
  it("keeps labels carrying HTML or SQL as data, in the table's cells", () => {
    const result = query("SELECT label, max_overhead_ns FROM runs ORDER BY run_id");
    expect(cellText(cellValue(result, 0, 0), result.columns[0])).toBe(HTML_LABEL);
    expect(cellText(cellValue(result, 1, 0), result.columns[0])).toBe(SQL_LABEL);
    const html = renderToStaticMarkup(createElement(ResultRow, { result, row: 0, top: 0 }));
    expect(html).not.toContain("<img");
    expect(html).toContain("&lt;img src=x onerror=");
    // The table still has both runs: the SQL in a label never ran.
    expect(query("SELECT count(*) AS n FROM runs").total).toBe(1);
    expect(cellText(cellValue(query("SELECT count(*) AS n FROM runs"), 0, 0), result.columns[1])).toBe("2");
  });

  it("keeps them as text in the chart's tooltip", () => {
    const result = query("SELECT label, max_overhead_ns, p99_ns FROM runs ORDER BY run_id");
    const pick = pickChart(result.columns);
    expect(pick).toEqual({ x: 0, axis: "category", ys: [1, 2] });
    const option = sqlResultOption(chartInput(result, pick!)) as {
      tooltip: { formatter: (params: unknown) => string };
    };
    const tip = option.tooltip.formatter([
      { seriesName: "max_overhead_ns", data: [HTML_LABEL, 42000] },
      { seriesName: `<b onmouseover=x>`, data: [HTML_LABEL, 1] },
    ]);
    expect(tip).not.toContain("<img");
    expect(tip).not.toContain("<b onmouseover");
    expect(tip).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    expect(tip).toContain("42 µs (overhead)");
  });

  it("shows BIGINTs exactly, decimals with their scale, NULL as NULL", () => {
    const result = query(`SELECT samples, max_overhead_ns, sum(samples) AS total, 12.5::DECIMAL(8,3) AS d,
      -0.05::DECIMAL(6,2) AS neg, p99_ns FROM runs WHERE run_id = 'a' GROUP BY ALL`);
    const texts = result.columns.map((column, i) => cellText(cellValue(result, 0, i), column));
    expect(texts).toEqual([
      "9223372036854775807",
      "9007199254740993",
      "9223372036854775807",
      "12.500",
      "-0.05",
      "1500.5",
    ]);
    const nulls = query("SELECT p99_ns FROM runs WHERE run_id = 'b'");
    expect(cellText(cellValue(nulls, 0, 0), nulls.columns[0])).toBe("NULL");
  });

  it("keeps at most the cap of rows and counts them all", () => {
    const result = query("SELECT range AS i, range * 2 AS twice FROM range(50000)", 3000);
    expect(result.total).toBe(50000);
    expect(result.shown).toBe(3000);
    expect(cellText(cellValue(result, 2999, 1), result.columns[1])).toBe("5998");
    expect(pickChart(result.columns)).toEqual({ x: 0, axis: "value", ys: [1] });
  });

  it("exports CSV with quotes where a field needs them and NULL as an empty field", () => {
    const result = query(`SELECT label, p99_ns FROM runs ORDER BY run_id`);
    expect(resultCsv(result)).toBe(
      `label,p99_ns\r\n"<img src=x onerror=""alert(1)"">",1500.5\r\nx'); DROP TABLE runs; --,\r\n`,
    );
  });

  it("exports text a spreadsheet would run as a formula as text, and negative numbers as numbers", () => {
    const result = query(`SELECT * FROM (VALUES
      ('=HYPERLINK("http://x","y")', -0.05::DECIMAL(6,2), -3),
      ('+1+1', 1.5::DECIMAL(6,2), 2),
      ('-2+3', 0::DECIMAL(6,2), -1),
      ('@SUM(A1)', 0::DECIMAL(6,2), 0),
      (chr(9) || '=1', 0::DECIMAL(6,2), 0),
      ('plain - text', 0::DECIMAL(6,2), 0)) t("=label", d, i)`);
    const lines = resultCsv(result).split("\r\n");
    expect(lines[0]).toBe("'=label,d,i");
    expect(lines.slice(1, 7)).toEqual([
      `"'=HYPERLINK(""http://x"",""y"")",-0.05,-3`,
      "'+1+1,1.50,2",
      "'-2+3,0.00,-1",
      "'@SUM(A1),0.00,0",
      "'\t=1,0.00,0",
      "plain - text,0.00,0",
    ]);
  });

  it("reads the catalogue from DuckDB itself, with a column's comment as its meaning", () => {
    duck.conn.query("COMMENT ON COLUMN runs.max_overhead_ns IS 'worst overhead over the baseline, ns'");
    const tables = groupCatalogue(
      duck.conn
        .query(CATALOGUE_SQL)
        .toArray()
        .map((row) => row.toJSON()),
    );
    const runs = tables.find((table) => table.name === "runs");
    expect(runs?.columns.map((c) => c.name)).toEqual([
      "run_id",
      "label",
      "environment",
      "samples",
      "max_overhead_ns",
      "p99_ns",
    ]);
    expect(runs?.columns[4]).toEqual({
      name: "max_overhead_ns",
      type: "BIGINT",
      meaning: "worst overhead over the baseline, ns",
    });
    expect(runs?.rows).toBe(2);
    // Without a comment, a column's meaning comes from the tables' contract.
    expect(runs?.meaning).toBe("one row per open run whose summary loaded");
    expect(runs?.columns[2].meaning).toMatch(/\S/);
  });
});
