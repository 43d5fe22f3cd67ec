import { basename } from "node:path";
import { FormatError } from "../../../lib/format/errors";
import { numberedLines } from "./lines";
import type { Importer } from "./types";

/**
 * sysjitter --raw PREFIX writes PREFIX.<thread>: a `#` header (cpu_mhz, threshold, totals) and one row
 * per interruption longer than the threshold: "timestamp_ns delta_us cycles interruption_ns", or with
 * --sort "timestamp_ns cycles interruption_ns" sorted by length. The timestamp is where the interruption
 * ended, from the thread's start; a sample here is one interruption, starting at timestamp - length.
 */
export const sysjitter: Importer = {
  name: "sysjitter",
  sniff: (head) => /^# cpu_mhz: \d+/m.test(head) && /^# threshold: \d+ns/m.test(head),
  async import(ctx) {
    const header: Record<string, string> = {};
    const rows: [number, number][] = [];
    for await (const [row, line] of numberedLines(ctx.file)) {
      const text = line.trim();
      if (!text) continue;
      if (text.startsWith("#")) {
        const m = /^#\s*([a-z_]+):\s*(.+)$/.exec(text);
        if (m && !(m[1] in header)) header[m[1]] = m[2];
        continue;
      }
      const fields = text.split(/\s+/).map(Number);
      if ((fields.length !== 4 && fields.length !== 3) || fields.some((f) => !Number.isFinite(f) || f < 0))
        throw new FormatError({
          file: ctx.file,
          row,
          expected:
            "timestamp_ns delta_us cycles interruption_ns (or, sorted, timestamp_ns cycles interruption_ns)",
          found: text.slice(0, 80),
        });
      const endNs = fields[0];
      const lengthNs = fields[fields.length - 1];
      rows.push([Math.max(0, endNs - lengthNs), lengthNs]);
    }
    if (!("cpu_mhz" in header))
      throw new FormatError({ file: ctx.file, field: "# cpu_mhz", expected: "sysjitter's raw header" });
    rows.sort((a, b) => a[0] - b[0]); // --sort orders by length; a run is in time order
    const thread = /\.(\d+)$/.exec(basename(ctx.file))?.[1];
    const sink = ctx.openSampleRun(thread !== undefined ? `t${thread}` : "", "sysjitter", {
      source: "sysjitter",
      ...(thread !== undefined ? { thread: Number(thread) } : {}),
      cpu_mhz: Number(header.cpu_mhz),
      threshold_ns: Number.parseInt(header.threshold, 10),
      interruptions: rows.length,
      ...(header.total_runtime ? { runtime: header.total_runtime } : {}),
      samples_are: "interruptions longer than the threshold only",
    });
    for (const [start, length] of rows) sink.push(start, length);
  },
};
