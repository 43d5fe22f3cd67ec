// How fast, and at what CPU cost, a dedicated worker reads a large File front to back in fixed ranges, by
// each way Chromium offers: a BYOB stream reader into a reused buffer (what lib/workspace/off-thread-reads.ts
// does), Blob.arrayBuffer() per range, and FileReaderSync per range. A bare page outside the app (served
// by page.route), in turns, so that a drift in a shared machine's load weighs on every way.
//
//   npx tsx bench/ui/blob-read-probe.ts FILE [RANGE_MB] [ROUNDS]
import { execFileSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { chromium } from "@playwright/test";
import { CHROMIUM_LAUNCH } from "../../playwright.config";

const ORIGIN = "http://probe.local";

const WORKER = `
async function byob(blob, offset, length, buffer) {
  const part = blob.slice(offset, offset + length);
  const reader = part.stream().getReader({ mode: "byob" });
  let target = buffer && buffer.byteLength >= part.size ? buffer : new ArrayBuffer(part.size);
  let filled = 0;
  while (filled < part.size) {
    const { done, value } = await reader.read(new Uint8Array(target, filled, part.size - filled));
    if (value) target = value.buffer;
    if (done || !value) break;
    filled += value.byteLength;
  }
  reader.cancel().catch(() => undefined);
  return target;
}
const ways = {
  byob: (blob, offset, length, buffer) => byob(blob, offset, length, buffer),
  arrayBuffer: (blob, offset, length) => blob.slice(offset, offset + length).arrayBuffer(),
  fileReaderSync: (blob, offset, length) => new FileReaderSync().readAsArrayBuffer(blob.slice(offset, offset + length)),
};
onmessage = async ({ data: { file, way, range } }) => {
  const start = performance.now();
  let buffer;
  let sum = 0;
  for (let offset = 0; offset < file.size; offset += range) {
    buffer = await ways[way](file, offset, range, buffer);
    sum += new Uint8Array(buffer)[0];
  }
  postMessage({ ms: performance.now() - start, sum });
};`;

/** User + system CPU seconds of a process tree's processes (Linux /proc), by their pids. */
function cpuOf(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // gone
    }
  }
  return ticks / 100;
}

function chromiumPids(): number[] {
  return execFileSync("pgrep", ["-f", "chromium"]).toString().trim().split("\n").map(Number);
}

async function main() {
  const [file, rangeMb = "12", rounds = "3"] = process.argv.slice(2);
  if (!file) throw new Error("usage: tsx bench/ui/blob-read-probe.ts FILE [RANGE_MB] [ROUNDS]");
  const browser = await chromium.launch(CHROMIUM_LAUNCH);
  try {
    const page = await browser.newPage();
    await page.route(`${ORIGIN}/**`, (route) =>
      route.request().url().endsWith("/worker.js")
        ? route.fulfill({ body: WORKER, contentType: "text/javascript" })
        : route.fulfill({ body: '<input type="file" id="f">', contentType: "text/html" }),
    );
    await page.goto(`${ORIGIN}/`);
    await page.locator("#f").setInputFiles([file]);
    const range = Number(rangeMb) * 1024 * 1024;
    const results = new Map<string, { ms: number[]; cpu: number[] }>();
    for (let round = 0; round < Number(rounds); round++)
      for (const way of ["byob", "arrayBuffer", "fileReaderSync"]) {
        const pids = chromiumPids();
        const before = cpuOf(pids);
        const ms = await page.evaluate(
          ({ way, range }) =>
            new Promise<number>((resolve) => {
              const worker = new Worker("/worker.js");
              worker.onmessage = ({ data }) => {
                worker.terminate();
                resolve(data.ms);
              };
              worker.postMessage({
                file: (document.getElementById("f") as HTMLInputElement).files![0],
                way,
                range,
              });
            }),
          { way, range },
        );
        const cpu = cpuOf(pids) - before;
        const entry = results.get(way) ?? { ms: [], cpu: [] };
        entry.ms.push(Math.round(ms));
        entry.cpu.push(Math.round(cpu * 1000));
        results.set(way, entry);
      }
    console.log(`${file}: ${(statSync(file).size / 1e6).toFixed(0)} MB in ${rangeMb} MiB ranges`);
    for (const [way, { ms, cpu }] of results)
      console.log(`${way.padEnd(15)} wall ms ${ms.join("/")}  browser CPU ms ${cpu.join("/")}`);
  } finally {
    await browser.close();
  }
}

await main();
