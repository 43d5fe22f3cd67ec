/**
 * A comparison table as CSV (nanoseconds or counts), Markdown and LaTeX (readable units, ratios
 * beside). `cellText` and `ratioText` are also what the dashboard shows, so screen and copies agree.
 */
import { isCount, statisticLabel } from "./statistic";
import type { Comparison } from "./comparison";
import { formatThreshold } from "./threshold";
import { formatDuration, formatRatio } from "./units";

/** Significant digits of a table cell: enough to tell 34.18 µs from 34.2 µs. */
export const CELL_DIGITS = 4;

/** A cell as the table shows it: a duration or overhead in its unit, or a count of samples. */
export function cellText(table: Comparison, value: number | null): string {
  if (value === null) return "–";
  return isCount(table.statistic)
    ? Math.round(value).toLocaleString("en-US")
    : formatDuration(value, CELL_DIGITS);
}

/** A cell's ratio to the reference row, or null when there is none to show. */
export function ratioText(table: Comparison, ratio: number | null): string | null {
  return table.reference !== null && ratio !== null ? formatRatio(ratio) : null;
}

/** What the table holds, for its title or first header: "maximum overhead", "samples at or above 40 µs overhead". */
export function tableTitle(table: Comparison): string {
  if (table.statistic !== "above") return statisticLabel(table.statistic, table.kind);
  return table.thresholdNs === null
    ? `samples at or above each run's own threshold (${table.kind})`
    : `samples at or above ${formatThreshold(table.thresholdNs)} ${table.kind}`;
}

function csvCell(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function toCsv(table: Comparison): string {
  const unit = isCount(table.statistic) ? "samples" : `${table.kind} ns`;
  const head = [
    tableTitle(table),
    "source",
    ...table.columns.flatMap((c) => [`${c.label} (${unit})`, `${c.label} ratio`]),
  ];
  const lines = [head.map(csvCell).join(",")];
  for (const row of table.rows) {
    const cells = row.cells.flatMap((v, i) => [
      v === null ? "" : String(Math.round(v)),
      row.ratios[i] === null ? "" : row.ratios[i]!.toFixed(3),
    ]);
    lines.push([row.label, row.source, ...cells].map(csvCell).join(","));
  }
  return lines.join("\n") + "\n";
}

function display(table: Comparison, value: number | null, ratio: number | null): string {
  const ratioShown = value === null ? null : ratioText(table, ratio);
  return ratioShown ? `${cellText(table, value)} (${ratioShown})` : cellText(table, value);
}

function notes(table: Comparison): string[] {
  return [
    ...(table.reference ? [`Ratios are to the row "${table.reference}".`] : []),
    ...(table.paperNote ? [table.paperNote] : []),
  ];
}

export function toMarkdown(table: Comparison): string {
  const escape = (s: string) => s.replace(/\|/g, "\\|");
  const head = [tableTitle(table), ...table.columns.map((c) => c.label)];
  const lines = [
    `| ${head.map(escape).join(" | ")} |`,
    `| ${head.map((_, i) => (i === 0 ? "---" : "---:")).join(" | ")} |`,
  ];
  for (const row of table.rows)
    lines.push(
      `| ${[row.label, ...row.cells.map((v, i) => display(table, v, row.ratios[i]))].map(escape).join(" | ")} |`,
    );
  const below = notes(table);
  if (below.length) lines.push("", ...below);
  return lines.join("\n") + "\n";
}

function latexEscape(text: string): string {
  return text
    .replace(/\\/g, "\\textbackslash{}")
    .replace(/([&%$#_{}])/g, "\\$1")
    .replace(/~/g, "\\textasciitilde{}")
    .replace(/\^/g, "\\textasciicircum{}")
    .replace(/µ/g, "\\textmu{}")
    .replace(/×/g, "$\\times$")
    .replace(/–/g, "--")
    .replace(/[“”]/g, '"');
}

export function toLatex(table: Comparison): string {
  const lines = [
    `\\begin{tabular}{l${"r".repeat(table.columns.length)}}`,
    "\\hline",
    [tableTitle(table), ...table.columns.map((c) => c.label)].map(latexEscape).join(" & ") + " \\\\",
    "\\hline",
  ];
  for (const row of table.rows)
    lines.push(
      [row.label, ...row.cells.map((v, i) => display(table, v, row.ratios[i]))].map(latexEscape).join(" & ") +
        " \\\\",
    );
  lines.push("\\hline", "\\end{tabular}");
  for (const note of notes(table)) lines.push(`% ${note}`);
  return lines.join("\n") + "\n";
}
