import { cellText, cellValue, type ResultColumn, type ResultSet } from "./result-set";

const NUMERIC = new Set<ResultColumn["kind"]>(["integer", "float", "decimal"]);

/**
 * A spreadsheet opening the CSV runs a cell that begins with `=`, `+`, `-` or `@` (or a tab or carriage
 * return before one) as a formula. Text cells beginning so get a leading apostrophe, which keeps them
 * text; numbers (a negative overhead) are left as they are.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

function field(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function cell(text: string, column: ResultColumn): string {
  return !NUMERIC.has(column.kind) && FORMULA_START.test(text) ? `'${text}` : text;
}

/**
 * The kept rows as RFC 4180 CSV, header first, values as the table shows them (NULL as an empty field),
 * text that a spreadsheet would run as a formula kept as text.
 */
export function resultCsv(result: ResultSet): string {
  const text = { kind: "text", name: "", type: "", scale: 0 } as const;
  const lines = [result.columns.map((column) => field(cell(column.name, text))).join(",")];
  for (let row = 0; row < result.shown; row++) {
    lines.push(
      result.columns
        .map((column, index) => {
          const value = cellValue(result, row, index);
          return value === null || value === undefined ? "" : field(cell(cellText(value, column), column));
        })
        .join(","),
    );
  }
  return `${lines.join("\r\n")}\r\n`;
}
