/**
 * The run worker's answers about an open run: a window of M4 columns (from the summary's pyramid, or
 * from raw batches when the window is finer than it). The periodic-spike heat map is DuckDB's
 * (lib/queries/heatmap.ts).
 */
import type { SampleBatch } from "../format/run-reader";
import { evenEdges, m4, m4FromSamples, type RunSummary } from "../summary";
import type { BatchCache } from "./batch-cache";
import type { FromWorker, ToWorker } from "./protocol";
import type { WindowColumns } from "./types";

export async function windowColumns(
  summary: RunSummary,
  batches: BatchCache,
  request: Extract<ToWorker, { type: "window" }>,
): Promise<WindowColumns> {
  const { t0, t1, columns, rawBelow } = request;
  const fromPyramid = m4(summary, t0, t1, columns, { offsetNs: 0 });
  let samples = 0;
  for (let i = 0; i < columns; i++) samples += fromPyramid.count[i];
  if (!fromPyramid.rawNeeded && samples > rawBelow)
    return columnsOf(fromPyramid.edges, fromPyramid, t0, t1, "pyramid", samples, null);
  const raw = await batches.covering(t0, t1);
  // A pan's next windows: read while the page draws this one.
  void batches.readAround(t0, t1);
  const edges = evenEdges(t0, t1, columns);
  const m = m4FromSamples(raw, edges, 0);
  let inside = 0;
  for (let i = 0; i < columns; i++) inside += m.count[i];
  return columnsOf(
    edges,
    m,
    t0,
    t1,
    "raw",
    inside,
    inside <= rawBelow ? pointsIn(raw, t0, t1, inside) : null,
  );
}

function columnsOf(
  edges: Float64Array,
  m: { count: Float64Array; min: Float64Array; max: Float64Array; minTs: Float64Array; maxTs: Float64Array },
  t0: number,
  t1: number,
  source: WindowColumns["source"],
  samples: number,
  raw: WindowColumns["raw"],
): WindowColumns {
  const n = edges.length - 1;
  return {
    t0,
    t1,
    start: edges.slice(0, n),
    min: m.min,
    max: m.max,
    minTs: m.minTs,
    maxTs: m.maxTs,
    count: m.count,
    raw,
    source,
    samples,
  };
}

/** The samples in [t0, t1), at most `count`: each batch entered where the window starts (timestamps are sorted). */
export function pointsIn(
  batches: SampleBatch[],
  t0: number,
  t1: number,
  count: number,
): { ts: Float64Array; value: Float64Array } {
  const ts = new Float64Array(count);
  const value = new Float64Array(count);
  let k = 0;
  for (const batch of batches) {
    const n = batch.ts.length;
    let a = 0;
    let b = n;
    while (a < b) {
      const m = (a + b) >> 1;
      if (batch.ts[m] < t0) a = m + 1;
      else b = m;
    }
    for (let i = a; i < n && k < count; i++) {
      const t = batch.ts[i];
      if (t >= t1) break;
      ts[k] = t;
      value[k++] = batch.duration[i];
    }
  }
  return { ts: ts.subarray(0, k), value: value.subarray(0, k) };
}

/** The arrays a reply hands over to the page instead of copying them. */
export function transferables(message: FromWorker): Transferable[] {
  if (message.type === "window") {
    const w = message.window;
    const arrays = [w.start, w.min, w.max, w.minTs, w.maxTs, w.count, w.raw?.ts, w.raw?.value];
    return [...new Set(arrays.filter((a): a is Float64Array => !!a).map((a) => a.buffer as ArrayBuffer))];
  }
  return [];
}
