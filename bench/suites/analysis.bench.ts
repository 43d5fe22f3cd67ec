// The analysis library: summary of 1M/10M/50M-sample runs from their Arrow files (time, memory, how
// it grows), M4 from the pyramid and from raw batches; each beside the naive way in the same run.
// Runs are synthetic (lib/summary/testing), written once into os.tmpdir() and reused by later runs.
import { closeSync, existsSync, mkdirSync, openSync, renameSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import v8 from "node:v8";
import { runInNewContext } from "node:vm";
import { RecordBatchReader, Table, tableToIPC } from "apache-arrow";
import { openNodeDuckdb } from "../../lib/db/node-duckdb";
import { openFileSource } from "../../lib/format/node-source";
import { readBatchesAt, readRunBatches, type SampleBatch } from "../../lib/format/run-reader";
import {
  batchesCovering,
  evenEdges,
  m4,
  m4FromSamples,
  summarizeRun,
  type RunSummary,
} from "../../lib/summary";
import { writeSyntheticRun } from "../../lib/format/testing/synthetic-trace";
import { BatchIndexBuilder, coveringEntries } from "../../lib/summary/batch-index";
import { coveringByFilter, longRunEntries } from "../../lib/summary/testing/long-run-entries";
import { median, timeMedian, type Figure, type Suite } from "../figure";

const SIZES = [1_000_000, 10_000_000, 50_000_000];
const COLUMNS = 1500;
const dir = join(tmpdir(), "tickscope-bench-analysis");

function runFile(samples: number): string {
  const path = join(dir, `tick-${samples}.arrow`);
  if (existsSync(path)) return path;
  mkdirSync(dir, { recursive: true });
  const fd = openSync(`${path}.part`, "w");
  writeSyntheticRun((chunk) => void writeSync(fd, chunk), {
    samples,
    worst: { atNs: samples * 36_000, ns: 7_190_000 },
  });
  closeSync(fd);
  renameSync(`${path}.part`, path);
  return path;
}

// A full GC before each measurement, so the baseline holds no garbage of earlier runs
// (node --expose-gc, switched on at run time).
v8.setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/**
 * One summary from the file. With `memory`, a full GC runs after every batch and the live
 * heapUsed + arrayBuffers is sampled: what the summary holds plus the batch in hand, garbage left
 * out (that run is not timed).
 */
async function summarize(
  path: string,
  memory = false,
): Promise<{ ms: number; peakMb: number; summary: RunSummary }> {
  gc();
  await new Promise((resolve) => setTimeout(resolve, 100));
  const before = process.memoryUsage();
  const base = before.heapUsed + before.arrayBuffers;
  let peak = 0;
  const source = await openFileSource(path);
  const start = performance.now();
  async function* measured(): AsyncGenerator<SampleBatch> {
    for await (const batch of readRunBatches(source, path, { reuseTimestamps: true })) {
      yield batch;
      if (memory) {
        gc();
        const now = process.memoryUsage();
        peak = Math.max(peak, now.heapUsed + now.arrayBuffers - base);
      }
    }
  }
  const summary = await summarizeRun(measured());
  const ms = performance.now() - start;
  await source.close();
  return { ms, peakMb: peak / 2 ** 20, summary };
}

/** The naive way: every sample into DuckDB (Arrow IPC, batch by batch), then GROUP BY per pixel. */
async function naiveDuckdb(path: string, span: number): Promise<number> {
  const { conn, terminate } = await openNodeDuckdb();
  const source = await openFileSource(path);
  const start = performance.now();
  const reader = await RecordBatchReader.from(await source.read(0, source.size));
  let first = true;
  for (const batch of reader) {
    conn.insertArrowFromIPCStream(tableToIPC(new Table([batch]), "stream"), {
      name: "samples",
      create: first,
    });
    first = false;
  }
  conn.query(
    `SELECT floor(ts_ns * ${COLUMNS} / ${span}) AS px, count(*), min(duration_ns), max(duration_ns),
            arg_min(ts_ns, duration_ns), arg_max(ts_ns, duration_ns) FROM samples GROUP BY px`,
  );
  const ms = performance.now() - start;
  await terminate();
  await source.close();
  return ms;
}

async function allBatches(path: string): Promise<SampleBatch[]> {
  const source = await openFileSource(path);
  const out: SampleBatch[] = [];
  for await (const b of readRunBatches(source, path)) out.push(b);
  await source.close();
  return out;
}

function random(seed: number): () => number {
  return () => (seed = (seed * 16807) % 2147483647) / 2147483647;
}

/** Bytes live after `make` (V8 heap and array buffers): full collections, and a turn for freed buffers. */
async function retainedBytes<T>(make: () => T): Promise<{ bytes: number; kept: T }> {
  const settle = async () => {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 50));
    gc();
  };
  await settle();
  const before = process.memoryUsage();
  const kept = make();
  await settle();
  const after = process.memoryUsage();
  return { bytes: after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers), kept };
}

/** A 24 h streamed run's batch index (660k batches): its size as columns, and a raw window's batches found. */
async function batchIndexFigures(): Promise<Figure[]> {
  const n = 660_000;
  const objects = await retainedBytes(() => longRunEntries(n));
  const columns = await retainedBytes(() => {
    const builder = new BatchIndexBuilder();
    for (const e of objects.kept)
      builder.add(e.index, e.firstRow, e.rows, e.tsFirst, e.tsLast, e.byteOffset!, e.byteLength!);
    return builder.index();
  });
  const last = objects.kept[n - 1].tsLast;
  const windows = Array.from({ length: 40 }, (_, k) => ((k * 7919) % 40) * (last / 40));
  const searchMs = await timeMedian(
    () => windows.map((t0) => coveringEntries(columns.kept, t0, t0 + 5e8)),
    9,
  );
  const filterMs = await timeMedian(
    () => windows.map((t0) => coveringByFilter(objects.kept, t0, t0 + 5e8)),
    3,
  );
  return [
    {
      name: "batch index of a 24 h run (660k batches): bytes held per batch",
      median: columns.bytes / n,
      unit: "B",
      runs: 1,
      target: "≤ 100",
      limit: 100,
      naive: { name: "an object per batch", median: objects.bytes / n },
    },
    {
      name: "batch index of a 24 h run: 40 raw windows' batches found (binary search over the columns)",
      median: searchMs,
      unit: "ms",
      runs: 9,
      naive: { name: "every batch looked at", median: filterMs },
    },
  ];
}

const suite: Suite = async () => {
  const figures: Figure[] = await batchIndexFigures();
  const paths = SIZES.map(runFile);
  const runs = 3;
  const perSize: { samples: number; ms: number; summary: RunSummary }[] = [];
  // Memory first, while nothing else has been allocated (ArrayBuffers of earlier runs are freed
  // lazily, after a GC, and would hide in the baseline).
  const memory = await summarize(paths[paths.length - 1], true);
  // Warm-up, not timed: V8 optimises the hot loops over a few million samples first.
  await summarize(paths[0]);
  await summarize(paths[1]);
  for (const [i, samples] of SIZES.entries()) {
    const results = [];
    for (let r = 0; r < runs; r++) results.push(await summarize(paths[i]));
    perSize.push({
      samples,
      ms: median(results.map((r) => r.ms)),
      summary: results[0].summary,
    });
  }
  const largest = perSize[perSize.length - 1];
  const span = largest.summary.spanNs;

  for (const s of perSize) {
    figures.push({
      name: `summary of a ${s.samples / 1e6}M-sample run from its Arrow file`,
      median: s.ms,
      unit: "ms",
      runs,
      target: s.samples === 50_000_000 ? "≤ 2000" : undefined,
      limit: s.samples === 50_000_000 ? 2000 : undefined,
      note: `${((s.ms * 1e6) / s.samples).toFixed(1)} ns/sample`,
    });
  }
  figures.push({
    name: `summary memory, ${largest.samples / 1e6}M samples (live heapUsed+arrayBuffers growth, peak)`,
    median: memory.peakMb,
    unit: "MB",
    runs: 1,
    target: "≤ 64",
    limit: 64,
    note: "GC after every batch; includes the record batch in hand (12 MB), read one at a time",
  });
  const growth = perSize.map((s) => ((s.ms * 1e6) / s.samples).toFixed(1)).join(" / ");
  figures.push({
    name: "summary time growth: ns/sample at 50M over ns/sample at 10M",
    median: largest.ms / largest.samples / (perSize[1].ms / perSize[1].samples),
    unit: "x",
    runs,
    note: `ns/sample at 1M / 10M / 50M: ${growth} (fixed costs weigh at 1M); linear when about 1`,
  });

  // M4 from the pyramid: random windows of 1% to 100% of the run.
  const rand = random(42);
  const times: number[] = [];
  for (let q = 0; q < 200; q++) {
    const width = span * 10 ** (-2 * rand());
    const t0 = rand() * (span - width);
    const start = performance.now();
    m4(largest.summary, t0, t0 + width, COLUMNS);
    times.push(performance.now() - start);
  }
  // A 1% window from raw samples: fetch only the covering record batches from the file.
  const source = await openFileSource(paths[paths.length - 1]);
  const windowTimes: number[] = [];
  let t0 = 0;
  for (let q = -2; q < 15; q++) {
    t0 = rand() * span * 0.99;
    const t1 = t0 + span * 0.01;
    const start = performance.now();
    const covering = batchesCovering(largest.summary, t0, t1).map((b) => ({
      index: b.index,
      firstRow: b.firstRow,
      byteOffset: b.byteOffset!,
      byteLength: b.byteLength!,
    }));
    const batches: SampleBatch[] = [];
    for await (const b of readBatchesAt(source, paths[paths.length - 1], covering, { t0, t1 }))
      batches.push(b);
    m4FromSamples(batches, evenEdges(t0, t1, COLUMNS), largest.summary.offsetNs);
    if (q >= 0) windowTimes.push(performance.now() - start); // the first two warm up
  }
  await source.close();
  const scanStart = performance.now();
  const scanned: SampleBatch[] = [];
  const whole = await openFileSource(paths[paths.length - 1]);
  for await (const b of readRunBatches(whole, "run"))
    if (b.ts[b.ts.length - 1] >= t0 && b.ts[0] < t0 + span * 0.01) scanned.push(b);
  await whole.close();
  m4FromSamples(scanned, evenEdges(t0, t0 + span * 0.01, COLUMNS), largest.summary.offsetNs);
  const scanMs = performance.now() - scanStart;
  figures.push({
    name: `M4 of a 1% window from raw samples (covering batches read from the 50M file, window rows decoded)`,
    median: median(windowTimes),
    unit: "ms",
    runs: windowTimes.length,
    target: "≤ 50",
    limit: 50,
    naive: { name: "read the whole file, keep the window, 1 run", median: scanMs },
  });
  // The naive full-range scan last: it holds all 50M raw samples in memory.
  const raw = await allBatches(paths[paths.length - 1]);
  const naiveFull: number[] = [];
  for (let r = 0; r < 3; r++) {
    const start = performance.now();
    m4FromSamples(raw, evenEdges(0, span + 1, COLUMNS), largest.summary.offsetNs);
    naiveFull.push(performance.now() - start);
  }
  raw.length = 0;
  figures.push({
    name: `M4 at ${COLUMNS} columns from the pyramid, random windows 1%-100% of 50M samples`,
    median: median(times),
    unit: "ms",
    runs: times.length,
    target: "≤ 5",
    limit: 5,
    naive: { name: "scan of all raw samples in memory, full range", median: median(naiveFull) },
    note: `slowest ${Math.max(...times).toFixed(2)} ms`,
  });

  // DuckDB last, so its memory (wasm memory does not shrink) weighs on nothing else.
  const naiveRows = Number(process.env.TICKSCOPE_BENCH_NAIVE_ROWS ?? 50_000_000);
  const naiveIndex = SIZES.indexOf(naiveRows) >= 0 ? SIZES.indexOf(naiveRows) : 1;
  const naiveMs = await naiveDuckdb(paths[naiveIndex], perSize[naiveIndex].summary.spanNs);

  const summaryFigure = figures.find((f) => f.name.startsWith(`summary of a ${SIZES[naiveIndex] / 1e6}M`))!;
  summaryFigure.naive = { name: "DuckDB-WASM (Node): insert all + GROUP BY pixel, 1 run", median: naiveMs };
  return figures;
};
export default suite;
