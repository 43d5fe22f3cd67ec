// Runs the benchmark suites in bench/suites (all, or those named) and prints one table of medians.
// Figures are also written as JSON under bench-results/ (git-ignored).
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { Figure, Suite } from "./figure";

const suitesDir = join(import.meta.dirname, "suites");
const available = readdirSync(suitesDir)
  .filter((file) => file.endsWith(".bench.ts"))
  .map((file) => basename(file, ".bench.ts"))
  .sort();
const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !available.includes(name));
if (unknown.length) {
  console.error(`unknown suite(s): ${unknown.join(", ")}; available: ${available.join(", ")}`);
  process.exit(2);
}

const format = (n: number) =>
  Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 1 ? n.toFixed(2) : n.toPrecision(3);
let missed = 0;
mkdirSync("bench-results", { recursive: true });
for (const name of asked.length ? asked : available) {
  const suite = ((await import(join(suitesDir, `${name}.bench.ts`))) as { default: Suite }).default;
  console.log(`\n## ${name}`);
  const figures: Figure[] = await suite();
  const rows = figures.map((f) => {
    const ok = f.limit === undefined || f.median <= f.limit;
    if (!ok) missed++;
    return [
      f.name,
      `${format(f.median)} ${f.unit}`,
      f.target ?? "",
      f.naive
        ? `${format(f.naive.median)} ${f.unit} (${f.naive.name}, ${format(f.naive.median / f.median)}x)`
        : "",
      f.limit === undefined ? "" : ok ? "met" : "MISSED",
      `${f.runs}`,
      f.note ?? "",
    ];
  });
  const head = ["figure", "median", "target", "naive way", "", "runs", "note"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const row of [head, widths.map((w) => "-".repeat(w)), ...rows]) {
    console.log(
      row
        .map((cell, i) => cell.padEnd(widths[i]))
        .join("  ")
        .trimEnd(),
    );
  }
  writeFileSync(
    join("bench-results", `${name}.json`),
    JSON.stringify({ suite: name, at: new Date().toISOString(), figures }, null, 2),
  );
}
if (missed) {
  console.log(`\n${missed} target(s) missed`);
  process.exitCode = 1;
}
