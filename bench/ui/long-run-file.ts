/**
 * The 24 h tick run of issue #12 (1.2 billion samples, about 14 GB) as a bundle folder with its saved
 * summary, generated once into a cache outside the repository and reused: `TICKSCOPE_BENCH_CACHE`
 * (default /work/bench-cache, else ~/.cache/tickscope). Streamed: one batch in memory while it is written
 * and summarised. A stamp written last (sizes, samples, the time it took) says the copy is whole.
 */
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { RunFileWriter } from "../../lib/format/run-writer";
import { syntheticBatches, type SyntheticTruth } from "../../lib/format/testing/synthetic-trace";
import { openFileSource } from "../../lib/format/node-source";
import { readFooter } from "../../lib/format/run-footer";
import {
  batchCount,
  encodeSummary,
  pyramidBucketsFor,
  SummaryBuilder,
  type RunSummary,
} from "../../lib/summary";

export const LONG_RUN_SAMPLES = Number(process.env.TICKSCOPE_LONG_SAMPLES ?? 1_200_000_000);
/** 72 µs per sample: 1.2 billion samples are 24 h. */
const LOOP_NS = 72_000;
/** The collector's streamed chunk (collector/native/src/writer.h): its record batches are this long. */
const BATCH_ROWS = 1 << 17;
const GENERATOR_VERSION = 2;

export interface LongRun {
  /** The bundle folder: manifest.json, runs/long-24h.arrow, runs/long-24h.summary. */
  dir: string;
  runFile: string;
  summaryFile: string;
  manifestFile: string;
  stamp: LongRunStamp;
}

export interface LongRunStamp {
  version: number;
  samples: number;
  runBytes: number;
  summaryBytes: number;
  /** How long making it took (ms), and the load average then. */
  madeInMs: number;
  loadAverage: number[];
  truth: { worstTs: number; worstNs: number; endNs: number };
}

export function benchCache(): string {
  if (process.env.TICKSCOPE_BENCH_CACHE) return process.env.TICKSCOPE_BENCH_CACHE;
  return existsSync("/work") ? "/work/bench-cache" : join(homedir(), ".cache", "tickscope");
}

function paths(root: string, samples: number) {
  const name = samples === 1_200_000_000 ? "long-24h" : `long-${samples}`;
  const dir = join(root, name);
  return {
    dir,
    runFile: join(dir, "runs", `${name}.arrow`),
    summaryFile: join(dir, "runs", `${name}.summary`),
    manifestFile: join(dir, "manifest.json"),
    stampFile: join(root, `${name}.stamp.json`),
    id: name,
  };
}

/** The cached run when it is whole (its stamp matches the files on disk), else null. */
export function cachedLongRun(samples = LONG_RUN_SAMPLES, root = benchCache()): LongRun | null {
  const p = paths(root, samples);
  if (!existsSync(p.stampFile)) return null;
  const stamp = JSON.parse(readFileSync(p.stampFile, "utf8")) as LongRunStamp;
  const size = (file: string) => (existsSync(file) ? statSync(file).size : -1);
  const whole =
    stamp.version === GENERATOR_VERSION &&
    stamp.samples === samples &&
    size(p.runFile) === stamp.runBytes &&
    size(p.summaryFile) === stamp.summaryBytes &&
    existsSync(p.manifestFile);
  return whole ? { ...p, stamp } : null;
}

/** The cached run, made first when it is missing or not whole (any old copy is removed: one copy only). */
export async function ensureLongRun(samples = LONG_RUN_SAMPLES, root = benchCache()): Promise<LongRun> {
  const cached = cachedLongRun(samples, root);
  if (cached) return cached;
  const p = paths(root, samples);
  rmSync(p.stampFile, { force: true });
  rmSync(p.dir, { recursive: true, force: true });
  mkdirSync(join(p.dir, "runs"), { recursive: true });
  const started = Date.now();
  const truth: Partial<SyntheticTruth> = {};
  const builder = new SummaryBuilder({ test: "tick", hz: 1000, pyramidBuckets: pyramidBucketsFor(samples) });
  const partial = `${p.runFile}.partial`;
  const fd = openSync(partial, "w");
  try {
    const writer = new RunFileWriter((chunk) => writeSync(fd, chunk), {
      test: "tick",
      run: { environment: "synthetic", scenario: "one-to-all", label: "24 h soak", loop_iterations: 0 },
    });
    const batches = syntheticBatches(
      {
        samples,
        test: "tick",
        baselineNs: LOOP_NS,
        jitterNs: 200,
        gapNs: 0,
        tickPeriodNs: 1_000_000,
        tickPhaseNs: 1_000_000,
        tickCostNs: 8_000,
        spikePeriodNs: 1_000_000_000,
        spikePhaseNs: 250_000_000,
        spikeNs: 2_000_000,
        worst: { atNs: Math.floor(samples * LOOP_NS * 0.7), valueNs: 9_310_000 },
        batchRows: BATCH_ROWS,
      },
      truth,
    );
    let index = 0;
    for (const batch of batches) {
      writer.writeColumns({ ts_ns: batch.ts, duration_ns: batch.duration });
      builder.add({
        index: index++,
        firstRow: batch.firstRow,
        ts: batch.tsFloat,
        duration: batch.duration as Uint32Array,
      });
    }
    writer.finish();
  } finally {
    closeSync(fd);
  }
  renameSync(partial, p.runFile);
  const summary = builder.finish();
  await placeBatches(summary, p.runFile);
  writeFileSync(p.summaryFile, encodeSummary(summary));
  const id = p.id;
  writeFileSync(
    p.manifestFile,
    JSON.stringify(
      {
        format: "latency-bundle",
        version: 1,
        title: "24 h soak (generated)",
        runs: [
          {
            id,
            file: `runs/${id}.arrow`,
            summary: `runs/${id}.summary`,
            test: "tick",
            environment: "synthetic",
            scenario: "one-to-all",
            samples,
          },
        ],
      },
      null,
      2,
    ),
  );
  const { loadavg } = await import("node:os");
  const stamp: LongRunStamp = {
    version: GENERATOR_VERSION,
    samples,
    runBytes: statSync(p.runFile).size,
    summaryBytes: statSync(p.summaryFile).size,
    madeInMs: Date.now() - started,
    loadAverage: loadavg(),
    truth: { worstTs: truth.worst!.ts, worstNs: truth.worst!.durationNs, endNs: truth.endNs! },
  };
  writeFileSync(p.stampFile, JSON.stringify(stamp, null, 2));
  return { ...p, stamp };
}

/**
 * The summary's batch index gets each batch's place from the file's footer (the writer emits the schema
 * with the first batch, so the bytes handed to its sink do not tell where that batch starts).
 */
export async function placeBatches(summary: RunSummary, runFile: string): Promise<void> {
  const source = await openFileSource(runFile);
  try {
    const footer = await readFooter(source);
    const written = batchCount(summary.batches);
    if (!footer || footer.blocks.length !== written)
      throw new Error(`${runFile}: its footer does not list the ${written} batches written`);
    footer.blocks.forEach((block, i) => {
      summary.batches.byteOffset[i] = block.offset;
      summary.batches.byteLength[i] = block.metaDataLength + block.bodyLength;
    });
  } finally {
    await source.close();
  }
}
