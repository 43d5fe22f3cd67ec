// Is a tab's memory given back once its page leaves the app? The app (already built: `npm run build`, or
// the last e2e run's .next) serves the page; a small run is opened, and the workbench fills DuckDB with a table of --rows rows; the
// tab then goes to about:blank, and the browser's memory (PSS over its process tree) is read at once and
// after each of --waits seconds. Chromium is launched as every test is (playwright.config's CHROMIUM_LAUNCH).
//   npx tsx bench/ui/page-left-probe.ts [--rows=40000000] [--waits=5,20,45,90]
import { execFileSync } from "node:child_process";
import { chromium } from "@playwright/test";
import { CHROMIUM_LAUNCH } from "../../playwright.config";
import { writeEmulatedTick } from "../../e2e/fixtures/emulated-tick";
import { treeMemory } from "./process-memory";
import { startApp } from "./server";

const arg = (name: string, fallback: string) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const rows = Number(arg("rows", "40000000"));
const waits = arg("waits", "5,20,45,90").split(",").map(Number);

/** The browser's pid: the top chromium process among our descendants. */
function browserPid(): number {
  const table = execFileSync("ps", ["-o", "pid=,ppid=,comm=", "-e"])
    .toString()
    .trim()
    .split("\n")
    .map((line) => line.trim().split(/\s+/))
    .map(([pid, ppid, comm]) => ({ pid: Number(pid), ppid: Number(ppid), comm }));
  const mine = new Set([process.pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const row of table)
      if (mine.has(row.ppid) && !mine.has(row.pid)) {
        mine.add(row.pid);
        grew = true;
      }
  }
  const chromiums = table.filter((row) => mine.has(row.pid) && /chrom/i.test(row.comm));
  return chromiums.find((row) => !chromiums.some((other) => other.pid === row.ppid))!.pid;
}

const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;
const app = await startApp();
const browser = await chromium.launch(CHROMIUM_LAUNCH);
try {
  const pid = browserPid();
  const page = await browser.newPage();
  await page.goto(app.url);
  // The SQL tab is there once a run is open.
  const dir = "bench-results/page-left-probe";
  writeEmulatedTick(dir);
  await page.getByTestId("open-files").setInputFiles([`${dir}/emulated-tick.arrow`]);
  await page.locator('[data-testid="duckdb-status"][data-state="ready"]').waitFor({ timeout: 120_000 });
  const engine = await page.getByTestId("duckdb-engine").getAttribute("data-engine");
  const before = treeMemory(pid);
  await page.getByRole("tab", { name: "SQL" }).click();
  await page.getByTestId("sql-run").and(page.locator(":enabled")).waitFor();
  await page.locator(".cm-content").focus();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(`CREATE TABLE big AS SELECT range AS i, range * 3 AS j FROM range(${rows})`);
  await page.getByTestId("sql-run").click();
  await page
    .locator('[data-testid="sql-status"][data-state="done"]')
    .waitFor({ timeout: 300_000 });
  const filled = treeMemory(pid);
  await page.goto("about:blank");
  const lines = [`engine ${engine}; before the table ${mib(before)}; with ${rows} rows ${mib(filled)}`];
  lines.push(`on about:blank at once: ${mib(treeMemory(pid))}`);
  let waited = 0;
  for (const wait of waits) {
    await new Promise((resolve) => setTimeout(resolve, (wait - waited) * 1000));
    waited = wait;
    lines.push(`on about:blank after ${wait} s: ${mib(treeMemory(pid))}`);
  }
  console.log(lines.join("\n"));
} finally {
  await browser.close();
  app.stop();
}
