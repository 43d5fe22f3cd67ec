/**
 * The raw samples of a window, for DuckDB's `samples` table ("Query these samples"): counted exactly
 * first (whole batches by the summary's batch index, the batches at the window's edges read), and
 * handed over only when they fit under the cap.
 */
import type { RandomAccessSource } from "../format/byte-source";
import { readBatchesAt, type SampleBatch } from "../format/run-reader";
import { batchesCovering, type BatchIndexEntry, type RunSummary } from "../summary";
import type { WindowSamples } from "./types";

function location(file: string, entry: BatchIndexEntry) {
  if (entry.byteOffset === null || entry.byteLength === null)
    throw new Error(`${file}: no batch offsets to read the window's samples from`);
  return {
    index: entry.index,
    firstRow: entry.firstRow,
    byteOffset: entry.byteOffset,
    byteLength: entry.byteLength,
  };
}

async function read(
  source: RandomAccessSource,
  file: string,
  entries: BatchIndexEntry[],
  window: { t0: number; t1: number },
): Promise<SampleBatch[]> {
  const batches: SampleBatch[] = [];
  if (entries.length === 0) return batches;
  const locations = entries.map((entry) => location(file, entry));
  for await (const batch of readBatchesAt(source, file, locations, window)) batches.push(batch);
  return batches;
}

/** Every sample with t0 ≤ ts < t1, in time order; only the count when there are more than `cap`. */
export async function windowSamples(
  summary: RunSummary,
  file: string,
  source: RandomAccessSource,
  request: { t0: number; t1: number; cap: number },
): Promise<WindowSamples> {
  const { t0, t1, cap } = request;
  const window = { t0, t1 };
  const entries = batchesCovering(summary, t0, t1);
  const whole = (entry: BatchIndexEntry) => entry.tsFirst >= t0 && entry.tsLast < t1;
  const edges = await read(
    source,
    file,
    entries.filter((entry) => !whole(entry)),
    window,
  );
  let count = edges.reduce((sum, batch) => sum + batch.ts.length, 0);
  for (const entry of entries) if (whole(entry)) count += entry.rows;
  if (count > cap) return { t0, t1, count, cap, ts: null, duration: null };

  const ts = new Float64Array(count);
  const duration = new Float64Array(count);
  const edgeByIndex = new Map(edges.map((batch) => [batch.index, batch]));
  let k = 0;
  for (const entry of entries) {
    const [batch] = edgeByIndex.has(entry.index)
      ? [edgeByIndex.get(entry.index)!]
      : await read(source, file, [entry], window);
    ts.set(batch.ts, k);
    duration.set(batch.duration, k);
    k += batch.ts.length;
  }
  if (k !== count) throw new Error(`${file}: the window held ${count} samples when counted, ${k} when read`);
  return { t0, t1, count, cap, ts, duration };
}

/** The arrays a reply hands over to the page instead of copying them. */
export function samplesTransferables(samples: WindowSamples): Transferable[] {
  return [samples.ts, samples.duration].flatMap((a) => (a ? [a.buffer as ArrayBuffer] : []));
}
