import { spawn, spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { tableFromIPC } from "apache-arrow";
import { COLUMN, MAX_BATCH_ROWS } from "../../lib/format/contract";
import { RunFileWriter } from "../../lib/format/run-writer";
import { openFileSource } from "../../lib/format/node-source";
import { openRun } from "../../lib/format/run-reader";
import { syntheticColumns } from "../../lib/format/testing/synthetic-trace";
import { localExcess } from "../../lib/summary/tick";
import { moveOffCpu } from "../../collector/src/host";
import { NATIVE_DIR, SAMPLER_PATH } from "../../collector/src/native/sampler-binary";
import { onlineCpus } from "../../collector/src/options";
import { watchTreeMemory } from "../../collector/test/process-tree";
import { median, type Figure, type Suite } from "../figure";

const WRITE_SAMPLES = 50_000_000;
const ALTERNATE_RUNS = 6;
/** How often the sampler's monitor wakes (its default --progress-ms 250). */
const MONITOR_PERIOD_NS = 250e6;
const RT_RUNTIME = "/proc/sys/kernel/sched_rt_runtime_us";

/** Lifts RT throttling (kernel.sched_rt_runtime_us = -1) until `restore()`, where this process may. */
function liftRtThrottling(): { note: string; restore(): void } {
  let before: string;
  try {
    before = readFileSync(RT_RUNTIME, "utf8").trim();
    if (before === "-1") return { note: "RT throttling already off", restore() {} };
    writeFileSync(RT_RUNTIME, "-1");
  } catch {
    return { note: "RT throttling on (not root: its 50 ms stall each second is in the tail)", restore() {} };
  }
  return {
    note: `RT throttling lifted for the runs (was ${before})`,
    restore: () => writeFileSync(RT_RUNTIME, before),
  };
}

function sampler(args: string[]): string {
  const done = spawnSync(SAMPLER_PATH, args, { encoding: "utf8", maxBuffer: 1 << 26 });
  if (done.status !== 0) throw new Error(`tickscope-sampler ${args.join(" ")}: ${done.stderr}`);
  return done.stdout;
}

function durations(file: string): Float64Array {
  const table = tableFromIPC(readFileSync(file));
  return Float64Array.from(table.getChild(COLUMN.duration)!.toArray() as Uint32Array).sort();
}

const quantile = (sorted: Float64Array, p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];

/** The naive way to write a run after it: the TypeScript writer, from JS typed arrays, to a file. */
function writeWithTypeScript(file: string, rows: number): number {
  const { ts, duration } = syntheticColumns({ samples: rows });
  const start = performance.now();
  const fd = openSync(file, "w");
  const writer = new RunFileWriter((chunk) => writeSync(fd, chunk), { test: "tick" });
  for (let at = 0; at < rows; at += MAX_BATCH_ROWS)
    writer.writeSamples({
      ts: ts.subarray(at, at + MAX_BATCH_ROWS),
      duration: duration.subarray(at, at + MAX_BATCH_ROWS),
    });
  writer.finish();
  closeSync(fd);
  return performance.now() - start;
}

/** How long the streamed run of the benchmark lasts: the 10 min; TICKSCOPE_BENCH_STREAM_S=60 for a quick look. */
const STREAM_SECONDS = Number(process.env.TICKSCOPE_BENCH_STREAM_S ?? 600);
/** TICKSCOPE_BENCH_STREAM=only: the streamed-capture figures alone; =0 skips them. */
const STREAM_FIGURES = process.env.TICKSCOPE_BENCH_STREAM ?? "1";
const CLI = join(NATIVE_DIR, "..", "bin", "tickscope.mjs");

/** `tickscope collect` as a user runs it (Node, tsx, the sampler, the event recorder), its process tree watched. */
async function collectWatched(args: string[]) {
  const child = spawn(process.execPath, [CLI, "collect", ...args], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
  const watch = watchTreeMemory(child.pid!, 100);
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  const peak = watch.stop();
  // TICKSCOPE_BENCH_STREAM_LOG=FILE: collect's stderr kept there (with TICKSCOPE_MEMORY_LOG=1, its memory steps).
  if (process.env.TICKSCOPE_BENCH_STREAM_LOG) writeFileSync(process.env.TICKSCOPE_BENCH_STREAM_LOG, stderr);
  if (code !== 0) throw new Error(`tickscope collect ${args.join(" ")}: ${stderr}`);
  return { stderr, ...peak };
}

/** Samples in a run file, batch by batch (a 10 min run at --loop-us 1 is several GB), its size, its longest sync. */
async function countSamples(
  file: string,
): Promise<{ rows: number; bytes: number; lastS: number; syncMaxUs: number }> {
  const source = await openFileSource(file);
  let rows = 0;
  let lastS = 0;
  try {
    const run = await openRun(source, "run.arrow");
    for await (const batch of run.batches({ reuseTimestamps: true })) {
      rows += batch.ts.length;
      lastS = batch.ts[batch.ts.length - 1] / 1e9;
    }
    const syncMaxUs = Number(run.header.fields.sync_max_us ?? NaN);
    return { rows, bytes: source.size, lastS, syncMaxUs };
  } finally {
    await source.close();
  }
}

/**
 * Streamed capture (the default; --hold keeps the samples in memory): `tickscope collect` at ~1M samples/s
 * for STREAM_SECONDS, its whole process tree's peak memory and the sampler's, the write rate, the samples
 * lost to the writer, and the tail of a streamed run beside a held-in-memory one.
 */
export async function streamedCapture(dir: string): Promise<Figure[]> {
  const out = join(dir, "streamed");
  const started = performance.now();
  const collected = await collectWatched([
    "tick",
    "--loop-us",
    "1",
    "--duration",
    `${STREAM_SECONDS}s`,
    "--no-progress",
    "-o",
    out,
  ]);
  const wallS = (performance.now() - started) / 1000;
  const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
  const entry = manifest.runs[0];
  const { rows, bytes, lastS, syncMaxUs } = await countSamples(join(out, entry.file));
  const lost = Number(
    /([\d,]+) more measured but lost to the writer/.exec(collected.stderr)?.[1].replace(/,/g, "") ?? 0,
  );
  rmSync(out, { recursive: true });
  // What the run lasted: the set duration, or less when it stopped early (a disk that could not keep up).
  const seconds = Math.min(STREAM_SECONDS, lastS);
  const separate = { streamed: [] as number[], held: [] as number[] };
  for (let r = 0; r < 4; r++)
    for (const mode of r % 2 ? (["streamed", "held"] as const) : (["held", "streamed"] as const)) {
      const out = join(dir, `p999-${mode}-${r}.arrow`);
      sampler(["tick", "--duration", "6s", ...(mode === "held" ? ["--hold"] : []), "-o", out]);
      separate[mode].push(quantile(durations(out), 0.999));
      rmSync(out);
    }
  const spread = (values: number[]) => (Math.max(...values) / Math.min(...values) - 1) * 100;
  const us = (values: number[]) => values.map((v) => (v / 1000).toFixed(0)).join(", ");
  const load = `load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")} at the end, on ${cpus().length} CPUs`;
  return [
    {
      name: `collect's whole process tree, peak RSS (${seconds.toFixed(0)} s at --loop-us 1)`,
      median: collected.tree / 2 ** 20,
      unit: "MiB",
      runs: 1,
      note: `at the peak, ${collected.atS.toFixed(0)} s after collect began: ${collected.processes} (MiB; Node: the launcher, the CLI); ${load}`,
    },
    {
      name: "the sampler's peak RSS (VmHWM) in that run",
      median: collected.sampler / 2 ** 20,
      unit: "MiB",
      runs: 1,
      target: "≤ 64",
      limit: 64,
      note: `${rows.toLocaleString("en-US")} samples`,
    },
    {
      name: "streamed run's write rate",
      median: bytes / 2 ** 20 / seconds,
      unit: "MiB/s",
      runs: 1,
      note: `${(bytes / 2 ** 20).toFixed(0)} MiB in ${seconds.toFixed(1)} s (collect took ${wallS.toFixed(0)} s in all), fdatasync each second (the longest ${(syncMaxUs / 1000).toFixed(1)} ms)`,
    },
    {
      name: "streamed run's sample rate",
      median: rows / seconds,
      unit: "samples/s",
      runs: 1,
    },
    {
      name: `streamed run stopped before its ${STREAM_SECONDS} s (1: it did)`,
      median: entry.stopped === "duration" ? 0 : 1,
      unit: "",
      runs: 1,
      target: "0",
      limit: 0,
      note: `stopped by ${entry.stopped} after ${lastS.toFixed(1)} s${entry.stopped === "writer-behind" ? ": the writer fell a whole ring behind (the disk, or its CPU, could not keep up); what was taken is in the file" : ""}`,
    },
    {
      name: "samples lost to the writer (measured − in the file)",
      median: lost + Math.max(0, entry.samples - rows),
      unit: "samples",
      runs: 1,
      target: "0",
      limit: 0,
      note: `the run stopped by ${entry.stopped}; the file holds ${rows.toLocaleString("en-US")} of the manifest's ${entry.samples.toLocaleString("en-US")}`,
    },
    {
      name: "tick p99.9, held in memory (6 s runs)",
      median: median(separate.held) / 1000,
      unit: "us",
      runs: 4,
      note: `runs: ${us(separate.held)}; held runs differ by up to ${spread(separate.held).toFixed(0)}% among themselves: the noise floor a streamed/held difference must exceed`,
    },
    {
      name: "tick p99.9, streamed (6 s runs, alternated with the held ones)",
      median: median(separate.streamed) / 1000,
      unit: "us",
      runs: 4,
      note: `runs: ${us(separate.streamed)}; they differ by up to ${spread(separate.streamed).toFixed(0)}% among themselves`,
    },
  ];
}

/**
 * The native sampler's own costs: its measurement overhead, writing a 50M-sample run after the
 * measurement, and what the progress monitor costs the measured loop.
 */
const suite: Suite = async () => {
  spawnSync("make", ["-C", NATIVE_DIR, "-s"], { stdio: "inherit" });
  const dir = mkdtempSync(join(tmpdir(), "tickscope-bench-"));
  // As `tickscope collect` does: this process, which reads the progress lines, stays off the measured
  // CPU (the sampler's default, the last one).
  const cpus = onlineCpus();
  moveOffCpu(cpus[cpus.length - 1], cpus);
  const figures: Figure[] = [];
  try {
    if (STREAM_FIGURES === "only") return await streamedCapture(dir);
    // 1. Self-overhead: a zero-iteration loop is two serialised TSC reads and a store.
    const mins: number[] = [];
    const medians: number[] = [];
    for (let r = 0; r < 5; r++) {
      const file = join(dir, `zero-${r}.arrow`);
      sampler(["tick", "--hold", "--iterations", "0", "--samples", "1000000", "-o", file]);
      const d = durations(file);
      mins.push(d[0]);
      medians.push(quantile(d, 0.5));
      rmSync(file);
    }
    figures.push(
      {
        name: "sampler self-overhead, minimum sample (zero-iteration loop, 1M samples)",
        median: median(mins),
        unit: "ns",
        runs: 5,
        target: "≤ 50",
        limit: 50,
      },
      { name: "sampler self-overhead, median sample", median: median(medians), unit: "ns", runs: 5 },
    );

    // 2. Writing 50M samples as Arrow after a run (the sampler's own write path, peak RSS included).
    const writes: { write_s: number; bytes_per_sample: number }[] = [];
    for (let r = 0; r < 5; r++) {
      const file = join(dir, "write.arrow");
      writes.push(JSON.parse(sampler(["write-bench", "--samples", String(WRITE_SAMPLES), "-o", file])));
      rmSync(file);
    }
    const naiveFile = join(dir, "naive.arrow");
    const naiveMs = writeWithTypeScript(naiveFile, WRITE_SAMPLES);
    rmSync(naiveFile);
    figures.push(
      {
        name: "write 50M samples as Arrow after a run",
        median: median(writes.map((w) => w.write_s * 1000)),
        unit: "ms",
        runs: 5,
        target: "≤ 3000",
        limit: 3000,
        naive: { name: "lib/format RunFileWriter, arrays already in ns", median: naiveMs },
        note: "to the page cache, no fsync",
      },
      {
        name: "peak memory per sample while writing 50M",
        median: median(writes.map((w) => w.bytes_per_sample)),
        unit: "B",
        runs: 5,
        target: "≤ 24",
        limit: 24,
        note: "max RSS of the sampler / samples",
      },
    );

    // 3. The progress monitor: tick runs with and without it, alternated, p99.9 side by side. The spread
    // between runs of the same kind is printed too: the noise floor this comparison can resolve.
    const separate = { with: [] as number[], without: [] as number[] };
    const pairs = 5;
    for (let r = 0; r < pairs; r++)
      for (const mode of r % 2 ? (["with", "without"] as const) : (["without", "with"] as const)) {
        const file = join(dir, `tick-${mode}-${r}.arrow`);
        // Held, by sample count, so all memory is faulted in up front and only the progress monitor differs.
        sampler([
          "tick",
          "--hold",
          "--samples",
          "40000",
          ...(mode === "with" ? ["--progress"] : []),
          "-o",
          file,
        ]);
        separate[mode].push(quantile(durations(file), 0.999));
        rmSync(file);
      }
    const withP = median(separate.with);
    const withoutP = median(separate.without);
    const spread = (values: number[]) => (Math.max(...values) / Math.min(...values) - 1) * 100;
    const us = (values: number[]) => values.map((v) => (v / 1000).toFixed(0)).join(", ");

    // The same question within one run, which slow host drift cannot tilt: the monitor reports in even
    // seconds only (--progress-alternate); compare the samples of even and odd seconds. RT throttling
    // is lifted for it where we may (its 50 ms stall each second and the slow loops after it would be
    // the whole tail), each run kept short so the kernel's own threads on that CPU wait a few seconds
    // at most. Odd seconds split in two (1 and 3 mod 4) give the noise floor of the comparison.
    const rt = liftRtThrottling();
    const on: number[] = [];
    const offA: number[] = [];
    const offB: number[] = [];
    const atReadOn: number[] = [];
    const atReadOff: number[] = [];
    try {
      for (let r = 0; r < ALTERNATE_RUNS; r++) {
        const file = join(dir, `alternate-${r}.arrow`);
        // Held: a streamed run's monitor also wakes every 50 ms to write, in odd seconds too.
        sampler(["tick", "--hold", "--duration", "8s", "--progress-alternate", "-o", file]);
        const table = tableFromIPC(readFileSync(file));
        const ts = table.getChild(COLUMN.ts)!.toArray() as BigInt64Array;
        const d = table.getChild(COLUMN.duration)!.toArray() as Uint32Array;
        const excess = localExcess(d);
        let read = MONITOR_PERIOD_NS;
        for (let i = 0; i < d.length; i++) {
          const at = Number(ts[i] - ts[0]);
          const second = Math.floor(at / 1e9) % 4;
          (second % 2 === 0 ? on : second === 1 ? offA : offB).push(d[i]);
          // The sample running when the monitor woke (every 250 ms from the start): reading in even
          // seconds, only waking in odd ones.
          if (read < at + d[i]) {
            (second % 2 === 0 ? atReadOn : atReadOff).push(excess[i]);
            while (read < at + d[i]) read += MONITOR_PERIOD_NS;
          }
        }
        rmSync(file);
      }
    } finally {
      rt.restore();
    }
    const p999 = (values: number[]) => quantile(Float64Array.from(values).sort(), 0.999);
    const off = [...offA, ...offB];
    const cost = (p999(on) / p999(off) - 1) * 100;
    const floor = Math.abs(p999(offA) / p999(offB) - 1) * 100;
    figures.push(
      {
        name: "tick p99.9 without progress (separate runs)",
        median: withoutP / 1000,
        unit: "us",
        runs: pairs,
        note: `runs: ${us(separate.without)}`,
      },
      {
        name: "tick p99.9 with progress (separate runs)",
        median: withP / 1000,
        unit: "us",
        runs: pairs,
        note: `runs: ${us(separate.with)}; runs without differ by up to ${spread(separate.without).toFixed(0)}% among themselves`,
      },
      {
        name: "tick p99.9 within runs, monitor on (even seconds)",
        median: p999(on) / 1000,
        unit: "us",
        runs: ALTERNATE_RUNS,
        note: `${ALTERNATE_RUNS} runs of 8 s, ${on.length.toLocaleString("en-US")} samples; ${rt.note}`,
      },
      {
        name: "tick p99.9 within runs, monitor off (odd seconds)",
        median: p999(off) / 1000,
        unit: "us",
        runs: ALTERNATE_RUNS,
        note: `${off.length.toLocaleString("en-US")} samples`,
      },
      {
        name: "progress monitor's cost within a run: |p99.9 on / off - 1|",
        median: Math.abs(cost),
        unit: "%",
        runs: ALTERNATE_RUNS,
        target: "≤ 1",
        limit: 1,
        note: `signed ${cost >= 0 ? "+" : ""}${cost.toFixed(2)}% (above 0: the monitor makes it worse); noise floor, odd seconds against odd seconds: ${floor.toFixed(2)}%`,
      },
      {
        name: "what the sample running at a monitor read took beyond its neighbours (median)",
        median: median(atReadOn),
        unit: "ns",
        runs: atReadOn.length,
        note: `the same when the monitor only woke (odd seconds): ${median(atReadOff).toFixed(0)} ns over ${atReadOff.length} wakes (a typical sample's is about 0)`,
      },
    );
    // 4. Streamed capture.
    if (STREAM_FIGURES !== "0") figures.push(...(await streamedCapture(dir)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
};
export default suite;
