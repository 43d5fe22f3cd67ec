/** A comparison table as CSV (nanoseconds), Markdown and LaTeX (readable units, ratios beside). */
import { statisticLabel } from "./statistic";
import type { Comparison } from "./comparison";
import { formatDuration } from "./units";

function csvCell(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function toCsv(table: Comparison): string {
  const head = ["row", "source", ...table.columns.flatMap((c) => [`${c.label} (ns)`, `${c.label} ratio`])];
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
  if (value === null) return "–";
  const withRatio = table.reference !== null && ratio !== null;
  return withRatio ? `${formatDuration(value)} (×${ratio.toFixed(2)})` : formatDuration(value);
}

export function toMarkdown(table: Comparison): string {
  const escape = (s: string) => s.replace(/\|/g, "\\|");
  const head = [`${statisticLabel(table.statistic)}`, ...table.columns.map((c) => c.label)];
  const lines = [
    `| ${head.map(escape).join(" | ")} |`,
    `| ${head.map((_, i) => (i === 0 ? "---" : "---:")).join(" | ")} |`,
  ];
  for (const row of table.rows)
    lines.push(
      `| ${[row.label, ...row.cells.map((v, i) => display(table, v, row.ratios[i]))].map(escape).join(" | ")} |`,
    );
  if (table.reference) lines.push("", `Ratios are to the row "${table.reference}".`);
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
    .replace(/–/g, "--");
}

export function toLatex(table: Comparison): string {
  const lines = [
    `\\begin{tabular}{l${"r".repeat(table.columns.length)}}`,
    "\\hline",
    [statisticLabel(table.statistic), ...table.columns.map((c) => c.label)].map(latexEscape).join(" & ") +
      " \\\\",
    "\\hline",
  ];
  for (const row of table.rows)
    lines.push(
      [row.label, ...row.cells.map((v, i) => display(table, v, row.ratios[i]))].map(latexEscape).join(" & ") +
        " \\\\",
    );
  lines.push("\\hline", "\\end{tabular}");
  return lines.join("\n") + "\n";
}
