import { closeSync, existsSync, openSync, renameSync, statSync, writeSync } from "node:fs";
import { RunFileWriter } from "../../lib/format/run-writer";
import { tickTrace, type TickTraceTruth } from "../../lib/format/testing/tick-trace";

/** Writes a synthetic tick run of `samples` samples to `path` (streamed, one batch in memory). */
export function writeTickRun(path: string, samples: number, worstAtNs: number): TickTraceTruth {
  const truth: Partial<TickTraceTruth> = {};
  const partial = `${path}.partial`;
  const fd = openSync(partial, "w");
  try {
    const writer = new RunFileWriter((chunk) => writeSync(fd, chunk), {
      test: "tick",
      run: { environment: "synthetic", scenario: "one-to-all", label: `${samples / 1e6}M samples` },
    });
    for (const batch of tickTrace({ samples, worst: { atNs: worstAtNs, valueNs: 7_190_000 } }, truth))
      writer.writeSamples(batch);
    writer.finish();
  } finally {
    closeSync(fd);
  }
  renameSync(partial, path);
  return truth as TickTraceTruth;
}

/** Reuses a file generated earlier with the same name (the generator is deterministic). */
export function ensureTickRun(path: string, samples: number): void {
  if (existsSync(path) && statSync(path).size > samples * 12) return;
  writeTickRun(path, samples, Math.floor(samples * 68_200 * 0.6));
}
