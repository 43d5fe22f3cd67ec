import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { UsageError } from "../command";
import { samplerPath } from "./sampler-binary";

/** What the sampler's monitor thread prints every ~250 ms (read from a CPU other than the measured one), whatever its disk does. */
export interface SamplerProgress {
  samples: number;
  elapsed_s: number;
  max_ns: number;
  /** Streamed runs: samples written so far, finished but not yet written, and the most allowed behind. */
  written?: number;
  behind?: number;
  behind_limit?: number;
  /** Streamed runs: the file's size, and the space left on its disk (-1 when unknown), as the writer thread last saw them. */
  bytes?: number;
  disk_free?: number;
  /** Streamed runs: how long the writer has been inside one write or fdatasync (the disk holds it), 0 while it waits for samples. */
  writer_busy_ms?: number;
}

/** The sampler's last line: where the run went and how it ended. */
export interface SamplerResult {
  file: string;
  test: string;
  samples: number;
  /** Streamed runs: the samples measured; more than `samples` when the writer lost some. */
  samples_taken?: number;
  max_ns: number;
  stopped: string;
  tsc_hz: number;
  unprivileged: boolean;
  /** The first sample's counter value and CLOCK_MONOTONIC time (ts_ns 0); absent for an empty run. */
  origin_counter?: number;
  origin_mono_ns?: number;
}

export interface SamplerRun {
  result: Promise<SamplerResult>;
  /** Forwards a signal (SIGINT, SIGTERM) to the sampler, which stops and still writes what it took. */
  stop(signal?: NodeJS.Signals): void;
}

/**
 * Runs `tickscope-sampler <args>`, parsing its JSON lines. A usage error from the sampler (exit status 2)
 * becomes a UsageError with its own message; any other failure an Error with its message.
 */
/** What a streamed run's sampler says once its first sample is finished (run.c, stream_scanned). */
export interface SamplerOrigin {
  origin_counter: number;
  /** CLOCK_MONOTONIC at the first sample (absent from samplers built before it was told here). */
  origin_mono_ns?: number;
  tsc_hz: number;
}

export function runSampler(
  args: string[],
  onProgress?: (p: SamplerProgress) => void,
  onOrigin?: (o: SamplerOrigin) => void,
): SamplerRun {
  const child = spawn(samplerPath(), args, { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk: string) => (stderr += chunk));
  let result: SamplerResult | null = null;
  const lines = createInterface({ input: child.stdout });
  lines.on("line", (line) => {
    let parsed: { progress?: SamplerProgress; result?: SamplerResult; origin?: SamplerOrigin };
    try {
      parsed = JSON.parse(line);
    } catch {
      return;
    }
    if (parsed.progress) onProgress?.(parsed.progress);
    if (parsed.origin) onOrigin?.(parsed.origin);
    if (parsed.result) result = parsed.result;
  });
  const done = new Promise<SamplerResult>((resolve, reject) => {
    child.on("error", (error) => reject(new Error(`cannot start the sampler: ${error.message}`)));
    child.on("close", (code, signal) => {
      const message = stderr.replace(/^tickscope-sampler: /gm, "").trim();
      if (code === 0 && result) resolve(result);
      else if (code === 2) reject(new UsageError(message || "the sampler rejected its arguments"));
      else
        reject(
          new UsageError(
            message ||
              `the sampler ended ${signal ? `by ${signal}` : `with status ${code}`} without a result`,
            1,
          ),
        );
    });
  });
  return {
    result: done,
    stop(signal: NodeJS.Signals = "SIGINT") {
      if (child.exitCode === null) child.kill(signal);
    },
  };
}

/** Runs the sampler to completion and returns its stdout (fingerprint, load). */
export async function samplerOutput(args: string[]): Promise<string> {
  const child = spawn(samplerPath(), args, { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.setEncoding("utf8").on("data", (c: string) => (out += c));
  child.stderr.setEncoding("utf8").on("data", (c: string) => (err += c));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  const message = err.replace(/^tickscope-sampler: /gm, "").trim();
  if (code === 2) throw new UsageError(message);
  if (code !== 0) throw new UsageError(message || `the sampler failed with status ${code}`, 1);
  return out;
}
