/**
 * A summary saved next to its run (named in the manifest) and loaded again. Binary: "TKSUM2\0\0", a
 * uint32 length, a JSON header in which every typed array is a reference into the body, then the
 * arrays (8-byte aligned). Only pyramid level 0 is stored; the upper levels are rebuilt on load, so a
 * loaded summary equals a fresh one.
 *
 * An array that is mostly one fill value (0, or NaN) is stored sparse: its other values and their
 * indices (one copy for arrays that share them, as a pyramid level's columns do). The pyramid and histogram are allocated at a fixed size however short the run, so this
 * keeps a saved summary proportional to the samples it holds. TKSUM1 (every array dense) still loads.
 */
import { batchIndexOf } from "./batch-index";
import { buildPyramid, type PyramidLevel } from "./pyramid";
import type { BatchIndexEntry, RunSummary } from "./types";
import type { LogHistogram } from "./histogram";

const MAGIC = "TKSUM2\0\0";
const READABLE = new Set([MAGIC, "TKSUM1\0\0"]);
type DenseRef = { $f64: [at: number, length: number] };
/**
 * `n` values at `at`, at the `n` indices stored at `indexAt`; every other element is `fill` (null:
 * NaN). Arrays with the same indices (a pyramid level's columns) share one copy of them.
 */
type SparseRef = { $sparse: [at: number, n: number, length: number, fill: 0 | null, indexAt: number] };

const isDense = (value: object): value is DenseRef => "$f64" in value;
const isSparse = (value: object): value is SparseRef => "$sparse" in value;

/** The fill value that makes `array` sparse (fewer than half its elements differ), if any. */
function sparseFill(array: Float64Array): { fill: 0 | null; n: number } | null {
  let zeros = 0;
  let nans = 0;
  for (const value of array) {
    if (Object.is(value, 0)) zeros++;
    else if (Number.isNaN(value)) nans++;
  }
  const [fill, same] = zeros >= nans ? [0 as const, zeros] : [null, nans];
  const n = array.length - same;
  return 2 * n < array.length ? { fill, n } : null;
}

const sameIndices = (a: Float64Array, b: Float64Array) =>
  a.length === b.length && a.every((value, i) => value === b[i]);

/**
 * The saved summary's bytes as a list of pieces whose concatenation is `encodeSummary`'s: the magic,
 * the header and its padding, then each array as a view of the summary's own memory (dense arrays are
 * not copied). Written piece by piece, saving a summary allocates little more than its header and
 * its sparse arrays' compacted values, not a second copy of the whole (a pyramid level alone is ~9 MiB).
 */
export function encodeSummaryChunks(summary: RunSummary): Uint8Array[] {
  const parts: Float64Array[] = [];
  let at = 0;
  const append = (part: Float64Array) => {
    parts.push(part);
    at += part.length;
    return at - part.length;
  };
  const indexLists: { indices: Float64Array; at: number }[] = [];
  const replacer = (_key: string, value: unknown) => {
    if (value instanceof Float64Array) {
      const sparse = sparseFill(value);
      if (!sparse) return { $f64: [append(value), value.length] } satisfies DenseRef;
      const indices = new Float64Array(sparse.n);
      const values = new Float64Array(sparse.n);
      const isFill = sparse.fill === 0 ? (v: number) => Object.is(v, 0) : Number.isNaN;
      let k = 0;
      for (let i = 0; i < value.length; i++)
        if (!isFill(value[i])) {
          indices[k] = i;
          values[k++] = value[i];
        }
      let shared = indexLists.find((list) => sameIndices(list.indices, indices));
      if (!shared) indexLists.push((shared = { indices, at: append(indices) }));
      return {
        $sparse: [append(values), sparse.n, value.length, sparse.fill, shared.at],
      } satisfies SparseRef;
    }
    if (typeof value === "number" && !Number.isFinite(value)) return { $num: String(value) };
    return value;
  };
  const stored = {
    ...summary,
    pyramid: { originNs: summary.pyramid.originNs, level0: summary.pyramid.levels[0] },
  };
  const header = new TextEncoder().encode(JSON.stringify(stored, replacer));
  const bodyStart = Math.ceil((12 + header.byteLength) / 8) * 8;
  const head = new Uint8Array(bodyStart);
  head.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(head.buffer).setUint32(8, header.byteLength, true);
  head.set(header, 12);
  return [head, ...parts.map((part) => new Uint8Array(part.buffer, part.byteOffset, part.byteLength))];
}

export function encodeSummary(summary: RunSummary): Uint8Array {
  const chunks = encodeSummaryChunks(summary);
  const out = new Uint8Array(chunks.reduce((n, chunk) => n + chunk.byteLength, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

function expand(body: Float64Array, [at, n, length, fill, indexAt]: SparseRef["$sparse"]): Float64Array {
  const array = new Float64Array(length).fill(fill ?? NaN);
  for (let k = 0; k < n; k++) array[body[indexAt + k]] = body[at + k];
  return array;
}

export function decodeSummary(bytes: Uint8Array, file = "summary"): RunSummary {
  if (bytes.byteLength < 12 || !READABLE.has(new TextDecoder().decode(bytes.subarray(0, 8))))
    throw new Error(`${file}: expected a tickscope summary (starting with TKSUM2 or TKSUM1)`);
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  const bodyStart = Math.ceil((12 + length) / 8) * 8;
  // A copy, so that the body starts 8-aligned at 0: Uint8Array's slice (a Node Buffer's own slice is a view).
  const aligned = Uint8Array.prototype.slice.call(bytes, bodyStart);
  const body = new Float64Array(aligned.buffer, 0, aligned.byteLength / 8);
  const parsed = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + length)), (_key, value) => {
    if (typeof value !== "object" || value === null) return value;
    if (isDense(value)) return body.slice(value.$f64[0], value.$f64[0] + value.$f64[1]);
    if (isSparse(value)) return expand(body, value.$sparse);
    if ("$num" in value) return Number(value.$num);
    return value;
  }) as Omit<RunSummary, "pyramid" | "batches"> & {
    pyramid: { originNs: number; level0: PyramidLevel };
    histogram: LogHistogram;
    batches: RunSummary["batches"] | BatchIndexEntry[];
  };
  const { pyramid, batches, ...rest } = parsed;
  // Summaries saved before the batch index became columns list one object per batch.
  return { ...rest, batches: batchIndexOf(batches), pyramid: buildPyramid(pyramid.originNs, pyramid.level0) };
}

/** Where a run's saved summary goes by convention: next to it, `runs/a.arrow` → `runs/a.summary`. */
export function summaryPathFor(runFile: string): string {
  return runFile.replace(/\.arrows?$/i, "") + ".summary";
}
