import { cellText, cellValue, type ResultSet } from "./result-set";

function field(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The kept rows as RFC 4180 CSV, header first, values as the table shows them (NULL as an empty field). */
export function resultCsv(result: ResultSet): string {
  const lines = [result.columns.map((column) => field(column.name)).join(",")];
  for (let row = 0; row < result.shown; row++) {
    lines.push(
      result.columns
        .map((column, index) => {
          const value = cellValue(result, row, index);
          return value === null || value === undefined ? "" : field(cellText(value, column));
        })
        .join(","),
    );
  }
  return `${lines.join("\r\n")}\r\n`;
}
