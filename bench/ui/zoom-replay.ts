// Replays bench:ui's 70-step zoom/pan sequence (30 "+", 10 →, 20 "-", 10 ←, 1300 columns) against the run
// worker's window answers in Node, on one run file: how many reads and bytes the batch cache makes (its
// read ahead included), and each answer's time with a 20 ms pause (a frame) between the steps. The reads
// do not depend on the machine's load, so they compare builds where the page's timings cannot.
//
//   npx tsx bench/ui/zoom-replay.ts FILE.arrow
//
// #13, s23 (bench files of bench:ui): on main 9a8a64b the sequence made 4 reads at 10M (13 MB) and at 50M
// (25 MB), the same with the read ahead limited to small batches: the read ahead read nothing on it.
import { readFileSync } from "node:fs";
import { keyAction } from "../../components/panels/zoom";
import { bytesSource } from "../../lib/format/byte-source";
import { readRunBatches } from "../../lib/format/run-reader";
import { summarizeRun } from "../../lib/summary";
import { BatchCache } from "../../lib/workspace/batch-cache";
import { windowColumns } from "../../lib/workspace/window-queries";

async function main(file: string) {
  const bytes = new Uint8Array(readFileSync(file));
  const summary = await summarizeRun(readRunBatches(bytes, file), { test: "tick" });
  const plain = bytesSource(bytes);
  let reads = 0;
  let readBytes = 0;
  const source = {
    size: plain.size,
    read: (offset: number, length: number) => {
      reads++;
      readBytes += length;
      return plain.read(offset, length);
    },
  };
  const cache = new BatchCache(file, source, summary);
  const start = summary.firstTs;
  const end = summary.lastTs + 1;
  const keys = [
    ...Array(30).fill("+"),
    ...Array(10).fill("ArrowRight"),
    ...Array(20).fill("-"),
    ...Array(10).fill("ArrowLeft"),
  ];
  let view = { t0: start, t1: end };
  const ms: number[] = [];
  let raw = 0;
  for (const [seq, key] of keys.entries()) {
    view = keyAction(key, view, start, end) ?? view;
    const began = performance.now();
    const answer = await windowColumns(summary, cache, {
      type: "window",
      runKey: "r",
      seq,
      ...view,
      columns: 1300,
      rawBelow: 2000,
    });
    ms.push(performance.now() - began);
    if (answer.source === "raw") raw++;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * q) - 1)].toFixed(1);
  console.log(
    `${file}: ${keys.length} steps, ${raw} from raw batches; ${reads} reads, ${(readBytes / 1e6).toFixed(1)} MB; ` +
      `answer median ${at(0.5)} ms, p95 ${at(0.95)} ms`,
  );
}

void main(process.argv[2]);
