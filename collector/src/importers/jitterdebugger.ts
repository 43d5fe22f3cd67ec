import { FormatError } from "../../../lib/format/errors";
import { numberedLines } from "./lines";
import type { Importer, SampleSink } from "./types";

const ROW = /^(\d+);(\d+)\.(\d{9});(\d+)$/;

/**
 * jittersamples' CSV (jitterdebugger's recorded samples): `cpu;seconds.nanoseconds;latency_us` per
 * wake-up, CLOCK_MONOTONIC at the wake-up and how late it was, the CPUs interleaved. One run per CPU;
 * a sample starts at the intended wake-up (the time minus the latency).
 */
export const jitterdebugger: Importer = {
  name: "jitterdebugger",
  sniff: (head) => ROW.test(head.split("\n", 1)[0].trim()),
  async import(ctx) {
    const runs = new Map<number, { sink: SampleSink; originNs: bigint; lastNs: number }>();
    for await (const [row, line] of numberedLines(ctx.file)) {
      if (!line.trim()) continue;
      const m = ROW.exec(line.trim());
      if (!m)
        throw new FormatError({
          file: ctx.file,
          row,
          expected: "cpu;seconds.nanoseconds;latency_us",
          found: line.slice(0, 80),
        });
      const cpu = Number(m[1]);
      const wakeNs = BigInt(m[2]) * 1_000_000_000n + BigInt(m[3]);
      const latencyNs = Number(m[4]) * 1000;
      let run = runs.get(cpu);
      if (!run) {
        const originNs = wakeNs - BigInt(latencyNs);
        run = {
          originNs,
          lastNs: 0,
          sink: ctx.openSampleRun(`cpu${cpu}`, "jitterdebugger", {
            source: "jitterdebugger",
            cpu,
            origin_monotonic_ns: Number(originNs),
            unit: "us",
          }),
        };
        runs.set(cpu, run);
      }
      const startNs = Number(wakeNs - run.originNs) - latencyNs;
      if (startNs < run.lastNs)
        throw new FormatError({
          file: ctx.file,
          row,
          field: "timestamp",
          expected: `CPU ${cpu}'s samples in time order`,
          found: line,
        });
      run.lastNs = startNs;
      run.sink.push(startNs, latencyNs);
    }
    if (!runs.size)
      throw new FormatError({
        file: ctx.file,
        expected: "at least one sample row (cpu;seconds.nanoseconds;latency_us)",
        found: "none",
      });
  },
};
