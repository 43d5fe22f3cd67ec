// How fast, and at what CPU cost, a dedicated worker reads a large File front to back in fixed ranges, by
// each way Chromium offers: a BYOB stream reader into a reused buffer (what lib/workspace/blob-ranges.ts
// does until a read stalls), Blob.arrayBuffer() per range (what it does after), and FileReaderSync per
// range. A bare page outside the app (served by page.route), in turns, so that a drift in a shared
// machine's load weighs on every way. DEPTH=3 keeps three ranges on the way at once, as the app's
// read-ahead does; a way whose read stays pending 5 s is reported as stalled (as -N: N ranges read). In
// Chromium 156 the BYOB way stalls (a 221 MB file in 1.5 MiB ranges: three at a time, after 41 ranges in 4
// rounds of 5; one at a time, after 40 in 1 of 5); the arrayBuffer way never did (in any of 13 rounds, nor
// a 14.4 GB file read whole twice three at a time).
//
//   [DEPTH=1] [WAYS=byob,arrayBuffer,fileReaderSync] npx tsx bench/ui/blob-read-probe.ts FILE [RANGE_MB] [ROUNDS]
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
onmessage = async ({ data: { file, way, range, depth } }) => {
  const start = performance.now();
  let buffer; // reused one range after another when one at a time
  let sum = 0;
  let read = 0;
  let last = performance.now();
  const watch = setInterval(() => {
    if (performance.now() - last > 5000) postMessage({ stalledAfter: read });
  }, 1000);
  const pending = [];
  for (let offset = 0; offset < file.size || pending.length; ) {
    while (pending.length < depth && offset < file.size) {
      pending.push(ways[way](file, offset, range, depth === 1 ? buffer : undefined));
      offset += range;
    }
    buffer = await pending.shift();
    read++;
    last = performance.now();
    sum += new Uint8Array(buffer)[0];
  }
  clearInterval(watch);
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
    const depth = Number(process.env.DEPTH ?? 1);
    const results = new Map<string, { ms: number[]; cpu: number[] }>();
    for (let round = 0; round < Number(rounds); round++)
      for (const way of (process.env.WAYS ?? "byob,arrayBuffer,fileReaderSync").split(",")) {
        const pids = chromiumPids();
        const before = cpuOf(pids);
        const ms = await page.evaluate(
          ({ way, range, depth }) =>
            new Promise<number>((resolve) => {
              const worker = new Worker("/worker.js");
              worker.onmessage = ({ data }) => {
                worker.terminate();
                resolve(data.stalledAfter === undefined ? data.ms : -data.stalledAfter);
              };
              worker.postMessage({
                file: (document.getElementById("f") as HTMLInputElement).files![0],
                way,
                range,
                depth,
              });
            }),
          { way, range, depth },
        );
        const cpu = cpuOf(pids) - before;
        const entry = results.get(way) ?? { ms: [], cpu: [] };
        entry.ms.push(Math.round(ms));
        entry.cpu.push(Math.round(cpu * 1000));
        results.set(way, entry);
      }
    console.log(
      `${file}: ${(statSync(file).size / 1e6).toFixed(0)} MB in ${rangeMb} MiB ranges, ${depth} at a time (-N: stalled after N)`,
    );
    for (const [way, { ms, cpu }] of results)
      console.log(`${way.padEnd(15)} wall ms ${ms.join("/")}  browser CPU ms ${cpu.join("/")}`);
  } finally {
    await browser.close();
  }
}

await main();
