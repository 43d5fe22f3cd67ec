import { histogramField, numberField, readRtTestsJson } from "./rt-tests-json";
import type { Importer } from "./types";

/**
 * cyclictest --json: one histogram per thread, buckets of 1 us (1 ns with --nsecs, resolution_in_ns = 1),
 * keyed by the bucket's lower bound; latencies past the histogram's end are only counted in `cycles`,
 * so the overflow is cycles minus the histogram's total.
 */
export const cyclictest: Importer = {
  name: "cyclictest",
  sniff: (head) =>
    head.trimStart().startsWith("{") &&
    (/"cmdline:?"\s*:\s*"[^"]*cyclictest/.test(head) || /"cycles"\s*:/.test(head)),
  async import(ctx) {
    const json = await readRtTestsJson(ctx.file);
    const unit = json.resolution_in_ns ? 1 : 1000;
    for (const [thread, value] of json.threads) {
      const buckets = histogramField(ctx.file, thread, value)
        .map(([bucket, count]) => ({ bucketNs: Number(bucket) * unit, count }))
        .sort((a, b) => a.bucketNs - b.bucketNs);
      const cycles = numberField(ctx.file, thread, value, "cycles");
      const counted = buckets.reduce((n, b) => n + b.count, 0);
      ctx.addHistogramRun(
        `t${thread}`,
        "cyclictest",
        {
          source: "cyclictest",
          cmdline: json.cmdline,
          version: json.version,
          start_time: json.start_time,
          end_time: json.end_time,
          return_code: json.return_code,
          sysinfo: json.sysinfo,
          thread: Number(thread),
          ...(typeof value.cpu === "number" && value.cpu >= 0 ? { cpu: value.cpu } : {}),
          cycles,
          unit: unit === 1 ? "ns" : "us",
          min: numberField(ctx.file, thread, value, "min") * unit,
          avg: numberField(ctx.file, thread, value, "avg") * unit,
          max: numberField(ctx.file, thread, value, "max") * unit,
          overflow: Math.max(0, cycles - counted),
        },
        buckets,
      );
    }
  },
};
