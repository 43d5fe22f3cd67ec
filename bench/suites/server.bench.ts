import { createReadStream, existsSync, statSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { createServer, type IncomingMessage } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { tableFromIPC } from "apache-arrow";
import type { SampleBatch } from "../../lib/format/run-reader";
import { summarizeRun } from "../../lib/summary";
import {
  bytesEntry,
  copyWithSchemaOnlyInFooter,
  writeStoredZip,
  writeSyntheticRun,
} from "../../lib/store/testing/synthetic";
import { ensureProductionBuild, freePort, startServer } from "../../lib/store/testing/server-process";
import { median, type Figure, type Suite } from "../figure";
import { s3StoreFigures } from "./s3-store";

const SAMPLES = 50_000_000;
const TARGET_MB_PER_S = 200;
const RUNS = 3;
const cache = join(tmpdir(), "tickscope-bench");

async function fixtures() {
  await mkdir(cache, { recursive: true });
  // Schema first, as RunFileWriter and the collector write runs (files named before that was so lack it).
  const run = join(cache, `run-${SAMPLES}-schema-first.arrow`);
  const zip = join(cache, `bundle-${SAMPLES}-schema-first.zip`);
  const footerOnly = join(cache, `run-${SAMPLES}-schema-in-footer.arrow`);
  if (!existsSync(run) || !existsSync(zip) || !existsSync(footerOnly)) {
    const written = await writeSyntheticRun(run, SAMPLES, 42);
    const manifest = new TextEncoder().encode(
      JSON.stringify({
        format: "latency-bundle",
        version: 1,
        title: "bench",
        runs: [{ id: "emu-tick", file: "runs/emu-tick.arrow", test: "tick" }],
      }),
    );
    await writeStoredZip(zip, [
      bytesEntry("manifest.json", manifest),
      { name: "runs/emu-tick.arrow", path: run, size: written.size, crc32: written.crc32 },
    ]);
    await copyWithSchemaOnlyInFooter(run, footerOnly);
  }
  return { run, zip, footerOnly };
}

/** Bytes in a folder, every file counted. */
async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? await folderBytes(path) : (await stat(path)).size;
  }
  return total;
}

async function post(url: string, path: string, contentType: string, headers: Record<string, string> = {}) {
  const start = performance.now();
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": contentType, "content-length": String(statSync(path).size), ...headers },
    body: Readable.toWeb(createReadStream(path, { highWaterMark: 1 << 20 })) as ReadableStream,
    duplex: "half",
  } as RequestInit);
  const text = await response.text();
  if (response.status !== 201) throw new Error(`upload failed (${response.status}): ${text}`);
  return performance.now() - start;
}

/** The naive server: buffer the whole body, parse it with tableFromIPC, summarize from the table. */
async function naiveHandler(req: IncomingMessage): Promise<number> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const table = tableFromIPC(Buffer.concat(chunks));
  let firstRow = 0;
  const batches: SampleBatch[] = table.batches.map((batch, index) => {
    const ts = Float64Array.from(batch.getChild("ts_ns")!.toArray() as BigInt64Array, Number);
    const duration = batch.getChild("duration_ns")!.toArray() as Uint32Array;
    const out = { index, firstRow, ts, duration };
    firstRow += batch.numRows;
    return out;
  });
  return (await summarizeRun(batches, { test: "tick" })).count;
}

async function naiveUploads(path: string): Promise<number[]> {
  const port = await freePort();
  const server = createServer((req, res) => {
    naiveHandler(req).then(
      (count) => res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ count })),
      (error: Error) => res.writeHead(400).end(error.message),
    );
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  try {
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++)
      times.push(await post(`http://127.0.0.1:${port}/`, path, "application/octet-stream"));
    return times;
  } finally {
    server.close();
  }
}

/**
 * Uploading a 600 MB run over loopback to the real production server, validation and summary included,
 * beside the naive way. Each upload is new content to the store (its blob is removed in between), so
 * no upload is answered from the dedupe shortcut. A run whose schema leads is checked and summarized
 * while it arrives; one with its schema only in the footer (apache-arrow's own file writer) after.
 */
const suite: Suite = async () => {
  const { run, zip, footerOnly } = await fixtures();
  const small = join(cache, "run-1000.arrow");
  await writeSyntheticRun(small, 1000, 7);
  const megabytes = statSync(run).size / 1e6;
  ensureProductionBuild();
  const dataDir = await mkdtemp(join(tmpdir(), "tickscope-bench-store-"));
  const server = await startServer({ TICKSCOPE_DATA_DIR: dataDir });
  const forget = async () => {
    for (const area of ["blobs", "ids"])
      for (const name of await readdir(join(dataDir, area)))
        await rm(join(dataDir, area, name), { recursive: true });
  };
  const timed = async (path: string, type: string, headers: Record<string, string> = {}) => {
    const times: number[] = [];
    await post(`${server.url}/api/bundles`, path, type, headers); // warm-up
    for (let i = 0; i < RUNS; i++) {
      await forget();
      times.push(await post(`${server.url}/api/bundles`, path, type, headers));
    }
    return median(times) / 1000;
  };
  try {
    const arrow = await timed(run, "application/vnd.apache.arrow.file", {
      "x-tickscope-filename": "emu-tick.arrow",
    });
    const late = await timed(footerOnly, "application/vnd.apache.arrow.file", {
      "x-tickscope-filename": "emu-tick.arrow",
    });
    /** What the store derived (summaries, manifest, index) per byte uploaded, for one new upload. */
    const derivedPerByte = async (path: string) => {
      await forget();
      await post(`${server.url}/api/bundles`, path, "application/vnd.apache.arrow.file", {
        "x-tickscope-filename": "emu-tick.arrow",
      });
      const [blob] = await readdir(join(dataDir, "blobs"));
      const derived = await folderBytes(join(dataDir, "blobs", blob, "derived"));
      return { ratio: derived / statSync(path).size, derived };
    };
    const bigDerived = await derivedPerByte(run);
    const smallDerived = await derivedPerByte(small);
    const bundle = await timed(zip, "application/zip");
    const dedupeTimes: number[] = [];
    for (let i = 0; i < RUNS; i++)
      dedupeTimes.push(await post(`${server.url}/api/bundles`, zip, "application/zip"));
    const dedupe = median(dedupeTimes) / 1000;
    const naive = median(await naiveUploads(run)) / 1000;
    const rate = (seconds: number) => `${(megabytes / seconds).toFixed(0)} MB/s`;
    const figures: Figure[] = [
      {
        name: `upload a ${megabytes.toFixed(0)} MB run (.arrow), validated and summarized`,
        median: arrow,
        unit: "s",
        runs: RUNS,
        target: `≥ ${TARGET_MB_PER_S} MB/s (≤ ${(megabytes / TARGET_MB_PER_S).toFixed(1)} s)`,
        limit: megabytes / TARGET_MB_PER_S,
        naive: { name: "buffer body + tableFromIPC + summarize", median: naive },
        note: rate(arrow),
      },
      {
        name: "the same run with its schema only in the footer (checked after it arrived)",
        median: late,
        unit: "s",
        runs: RUNS,
        note: rate(late),
      },
      {
        name: `upload the same run in a bundle zip (stored), validated and summarized`,
        median: bundle,
        unit: "s",
        runs: RUNS,
        note: rate(bundle),
      },
      {
        name: `derived bytes per uploaded byte, the ${megabytes.toFixed(0)} MB run`,
        median: bigDerived.ratio,
        unit: "B/B",
        runs: 1,
        note: `${(bigDerived.derived / 1e6).toFixed(2)} MB derived`,
      },
      {
        name: `derived bytes per uploaded byte, a 1,000-sample run (${statSync(small).size} B)`,
        median: smallDerived.ratio,
        unit: "B/B",
        runs: 1,
        note: `${(smallDerived.derived / 1e3).toFixed(1)} kB derived`,
      },
      {
        name: "upload a bundle already stored (dedupe: hashed, not re-checked)",
        median: dedupe,
        unit: "s",
        runs: RUNS,
        note: rate(dedupe),
      },
    ];
    // #14: the S3 store, beside the filesystem store's upload and app-served reads.
    figures.push(...(await s3StoreFigures(run, server, arrow)));
    return figures;
  } finally {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
};
export default suite;
