import { histogramField, numberField, readRtTestsJson } from "./rt-tests-json";
import type { Importer } from "./types";

/**
 * oslat --json: one histogram per thread, each key the upper edge of its bucket in microseconds
 * ("%.*f" of bias + (j+1) * width, with three decimals when the bucket width is not whole microseconds;
 * min and max are then in nanoseconds). The width is not written: it is the keys' smallest spacing
 * (1 us when there is a single key). The last bucket holds the overflows too, which oslat does not count
 * apart.
 */
export const oslat: Importer = {
  name: "oslat",
  sniff: (head) =>
    head.trimStart().startsWith("{") &&
    (/"cmdline:?"\s*:\s*"[^"]*oslat/.test(head) || /"freq"\s*:/.test(head)),
  async import(ctx) {
    const json = await readRtTestsJson(ctx.file);
    for (const [thread, value] of json.threads) {
      const entries = histogramField(ctx.file, thread, value);
      const precise = entries.some(([key]) => key.includes("."));
      const edgesUs = entries
        .map(([key, count]) => ({ edge: Number(key), count }))
        .sort((a, b) => a.edge - b.edge);
      let widthUs = Infinity;
      for (let i = 1; i < edgesUs.length; i++)
        widthUs = Math.min(widthUs, edgesUs[i].edge - edgesUs[i - 1].edge);
      if (!Number.isFinite(widthUs)) widthUs = 1;
      const buckets = edgesUs.map(({ edge, count }) => ({
        bucketNs: Math.round((edge - widthUs) * 1000),
        count,
      }));
      const unit = precise ? 1 : 1000; // min and max: ns in the nanosecond mode, else us
      ctx.addHistogramRun(
        `t${thread}`,
        "oslat",
        {
          source: "oslat",
          cmdline: json.cmdline,
          version: json.version,
          start_time: json.start_time,
          end_time: json.end_time,
          sysinfo: json.sysinfo,
          thread: Number(thread),
          ...(typeof value.cpu === "number" && value.cpu >= 0 ? { cpu: value.cpu } : {}),
          counter_mhz: typeof value.freq === "number" ? value.freq : undefined,
          duration_s: typeof value.duration === "number" ? value.duration : undefined,
          bucket_width_ns: Math.round(widthUs * 1000),
          unit: precise ? "ns" : "us",
          min: numberField(ctx.file, thread, value, "min") * unit,
          avg: numberField(ctx.file, thread, value, "avg") * 1000, // oslat's average is always in us
          max: numberField(ctx.file, thread, value, "max") * unit,
          last_bucket_includes_overflow: true,
        },
        buckets,
      );
    }
  },
};
