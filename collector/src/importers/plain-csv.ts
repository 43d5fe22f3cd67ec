import { FormatError } from "../../../lib/format/errors";
import { numberedLines } from "./lines";
import type { Importer } from "./types";

/** Plain CSV: `ts_ns,duration_ns` per line (a header line naming them is optional; `#` lines are skipped). */
export function plainCsv(test: string): Importer {
  return {
    name: "csv",
    sniff: (head) => /^(ts_ns\s*,\s*duration_ns|\d+\s*,\s*\d+)\s*$/m.test(head.split("\n", 1)[0].trim()),
    async import(ctx) {
      let origin: bigint | null = null;
      let sink: ReturnType<typeof ctx.openSampleRun> | null = null;
      let last = -Infinity;
      for await (const [row, line] of numberedLines(ctx.file)) {
        const text = line.trim();
        if (!text || text.startsWith("#") || (row === 1 && /^ts_ns\s*,\s*duration_ns$/.test(text))) continue;
        const m = /^(\d+)\s*,\s*(\d+)$/.exec(text);
        if (!m)
          throw new FormatError({
            file: ctx.file,
            row,
            expected: "ts_ns,duration_ns (two non-negative integers)",
            found: text.slice(0, 80),
          });
        // Times relative to the first row (kept as origin_ns): absolute nanoseconds exceed a double's precision.
        if (origin === null) {
          origin = BigInt(m[1]);
          sink = ctx.openSampleRun("", test, { source: "csv", origin_ns: m[1] });
        }
        const ts = Number(BigInt(m[1]) - origin);
        if (ts < last)
          throw new FormatError({
            file: ctx.file,
            row,
            field: "ts_ns",
            expected: "a time not before the previous row",
            found: m[1],
          });
        last = ts;
        sink!.push(ts, Number(m[2]));
      }
      if (!sink)
        throw new FormatError({
          file: ctx.file,
          expected: "at least one row ts_ns,duration_ns",
          found: "none",
        });
    },
  };
}
