// #10's start-up figures alone (visitFigures in bench/ui/duckdb-figures.ts: first visit, same tab after
// navigation, new browser on the same profile), without the 50M runs the ui suite also opens:
//   flock /tmp/tickscope-bench.lock npx tsx bench/ui/visit-figures.ts   (builds the app unless TICKSCOPE_BENCH_NO_BUILD=1)
import { loadavg } from "node:os";
import { visitFigures } from "./duckdb-figures";
import { startApp } from "./server";

const app = await startApp();
try {
  console.log(
    `load before: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  for (const figure of await visitFigures(app.url)) {
    const verdict = figure.limit === undefined ? "" : figure.median <= figure.limit ? " met" : " MISSED";
    console.log(`${figure.name}: ${Math.round(figure.median)} ${figure.unit} (${figure.runs} runs)`);
    console.log(`  ${figure.target ? `target ${figure.target}${verdict}; ` : ""}${figure.note ?? ""}`);
  }
  console.log(
    `load after: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
} finally {
  app.stop();
}
