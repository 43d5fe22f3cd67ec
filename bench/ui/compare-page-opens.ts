// "50M: overview on screen, file chosen as the page opens" (bench/ui/duckdb-figures.ts's
// overviewAsPageOpens) for two builds taken in turns (A, B, A, B, …), so that a drift in a shared
// machine's load weighs on both: this checkout against main's, say. Each checkout must have been built
// (`npx next build` after `node scripts/copy-duckdb-assets.mjs`); nothing is built here.
//
//   npx tsx bench/ui/compare-page-opens.ts FILE.arrow DIR_A DIR_B [ROUNDS]
import { loadavg } from "node:os";
import { chromium } from "@playwright/test";
import { CHROMIUM_LAUNCH } from "../../playwright.config";
import { overviewAsPageOpens } from "./duckdb-figures";
import { startApp } from "./server";

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

async function main() {
  const [file, dirA, dirB, rounds = "5"] = process.argv.slice(2);
  if (!file || !dirA || !dirB)
    throw new Error("usage: tsx bench/ui/compare-page-opens.ts FILE.arrow DIR_A DIR_B [ROUNDS]");
  process.env.TICKSCOPE_BENCH_NO_BUILD = "1";
  const apps = [await startApp(dirA), await startApp(dirB)];
  const launch = async () => ({ browser: await chromium.launch(CHROMIUM_LAUNCH), pid: 0 });
  const runs: number[][] = [[], []];
  const started: number[][] = [[], []];
  try {
    console.log(
      `load before ${loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")}`,
    );
    for (let round = 0; round < Number(rounds); round++)
      for (const i of [0, 1]) {
        const run = await overviewAsPageOpens(launch, apps[i].url, file, false);
        runs[i].push(run.overviewMs);
        started[i].push(Math.round(run.startedAfterReady));
        console.log(
          `round ${round} ${i ? "B" : "A"}: overview ${run.overviewMs} ms, DuckDB started ${Math.round(run.startedAfterOverview)} ms after it (${Math.round(run.startedAfterReady)} ms after the timeline turned ready); load ${loadavg()[0].toFixed(2)}`,
        );
      }
    console.log(
      `load after ${loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")}`,
    );
    for (const i of [0, 1])
      console.log(
        `${i ? "B" : "A"} (${i ? dirB : dirA}): median ${median(runs[i])} ms, runs ${runs[i].join("/")}; DuckDB started after the timeline turned ready by ${started[i].join("/")} ms`,
      );
  } finally {
    for (const app of apps) app.stop();
  }
}

await main();
