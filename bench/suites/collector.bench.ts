import { spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tableFromIPC } from "apache-arrow";
import { COLUMN, MAX_BATCH_ROWS } from "../../lib/format/contract";
import { RunFileWriter } from "../../lib/format/run-writer";
import { NATIVE_DIR, SAMPLER_PATH } from "../../collector/src/native/sampler-binary";
import { median, type Figure, type Suite } from "../figure";

const WRITE_SAMPLES = 50_000_000;

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
  const ts = new BigInt64Array(rows);
  const duration = new Uint32Array(rows);
  for (let i = 0; i < rows; i++) {
    ts[i] = BigInt(i * 72_000);
    duration[i] = 68_000 + (i % 97);
  }
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

/**
 * The native sampler's own costs: its measurement overhead, writing a 50M-sample run after the
 * measurement, and what the progress monitor costs the measured loop.
 */
const suite: Suite = async () => {
  spawnSync("make", ["-C", NATIVE_DIR, "-s"], { stdio: "inherit" });
  const dir = mkdtempSync(join(tmpdir(), "tickscope-bench-"));
  const figures: Figure[] = [];
  try {
    // 1. Self-overhead: a zero-iteration loop is two serialised TSC reads and a store.
    const mins: number[] = [];
    const medians: number[] = [];
    for (let r = 0; r < 5; r++) {
      const file = join(dir, `zero-${r}.arrow`);
      sampler(["tick", "--iterations", "0", "--samples", "1000000", "-o", file]);
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
    const p999 = { with: [] as number[], without: [] as number[] };
    const pairs = 5;
    for (let r = 0; r < pairs; r++)
      for (const mode of r % 2 ? (["with", "without"] as const) : (["without", "with"] as const)) {
        const file = join(dir, `tick-${mode}-${r}.arrow`);
        // By sample count, so all memory is faulted in up front and only the progress monitor differs.
        sampler(["tick", "--samples", "40000", ...(mode === "with" ? ["--progress"] : []), "-o", file]);
        p999[mode].push(quantile(durations(file), 0.999));
        rmSync(file);
      }
    const withP = median(p999.with);
    const withoutP = median(p999.without);
    const spread = (values: number[]) => (Math.max(...values) / Math.min(...values) - 1) * 100;
    const us = (values: number[]) => values.map((v) => (v / 1000).toFixed(0)).join(", ");

    // The same question within one run, which host noise cannot tilt: the monitor reports in even
    // seconds only (--progress-alternate); compare the samples of even and odd seconds.
    const diffs: number[] = [];
    const signed: number[] = [];
    const halves: string[] = [];
    for (let r = 0; r < 2; r++) {
      const file = join(dir, `alternate-${r}.arrow`);
      // A 10 us loop: many samples a second, so each half's p99.9 rests on thousands of samples.
      sampler(["tick", "--loop-us", "10", "--samples", "2000000", "--progress-alternate", "-o", file]);
      const table = tableFromIPC(readFileSync(file));
      const ts = table.getChild(COLUMN.ts)!.toArray() as BigInt64Array;
      const d = table.getChild(COLUMN.duration)!.toArray() as Uint32Array;
      const on: number[] = [];
      const off: number[] = [];
      for (let i = 0; i < d.length; i++) (Number(ts[i] / 1_000_000_000n) % 2 === 0 ? on : off).push(d[i]);
      const p = (v: number[]) => quantile(Float64Array.from(v).sort(), 0.999);
      signed.push((p(on) / p(off) - 1) * 100);
      diffs.push(Math.abs(p(on) / p(off) - 1) * 100);
      halves.push(`${(p(on) / 1000).toFixed(0)} vs ${(p(off) / 1000).toFixed(0)} us`);
      rmSync(file);
    }
    figures.push(
      {
        name: "tick p99.9 without progress (separate runs)",
        median: withoutP / 1000,
        unit: "us",
        runs: pairs,
        note: `runs: ${us(p999.without)}`,
      },
      {
        name: "tick p99.9 with progress (separate runs)",
        median: withP / 1000,
        unit: "us",
        runs: pairs,
        note: `runs: ${us(p999.with)}; runs without differ by up to ${spread(p999.without).toFixed(0)}% among themselves`,
      },
      {
        name: "progress monitor's cost within a run: |p99.9 on / off - 1|",
        median: median(diffs),
        unit: "%",
        runs: diffs.length,
        target: "≤ 1",
        limit: 1,
        note: `monitor on in even seconds, off in odd ones (2M samples of a 10 us loop a run): ${halves.join("; ")}`,
      },
      {
        name: "the same, signed: p99.9 on / off - 1 (above 0: the monitor makes it worse)",
        median: median(signed),
        unit: "%",
        runs: signed.length,
      },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
};
export default suite;
