/**
 * A summary saved next to its run (named in the manifest) and loaded again. Binary: "TKSUM1\0\0", a
 * uint32 length, a JSON header in which every typed array is a reference into the body, then the
 * arrays (8-byte aligned). Only pyramid level 0 is stored; the upper levels are rebuilt on load, so a
 * loaded summary equals a fresh one.
 */
import { buildPyramid, type PyramidLevel } from "./pyramid";
import type { RunSummary } from "./types";
import type { LogHistogram } from "./histogram";

const MAGIC = "TKSUM1\0\0";
type Ref = { $f64: [number, number] };

function isRef(value: unknown): value is Ref {
  return typeof value === "object" && value !== null && "$f64" in value;
}

export function encodeSummary(summary: RunSummary): Uint8Array {
  const arrays: Float64Array[] = [];
  let at = 0;
  const replacer = (_key: string, value: unknown) => {
    if (value instanceof Float64Array) {
      arrays.push(value);
      const ref: Ref = { $f64: [at, value.length] };
      at += value.length;
      return ref;
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
  const out = new Uint8Array(bodyStart + at * 8);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(8, header.byteLength, true);
  out.set(header, 12);
  const body = new Float64Array(out.buffer, bodyStart, at);
  let pos = 0;
  for (const array of arrays) {
    body.set(array, pos);
    pos += array.length;
  }
  return out;
}

export function decodeSummary(bytes: Uint8Array, file = "summary"): RunSummary {
  if (bytes.byteLength < 12 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC)
    throw new Error(`${file}: expected a tickscope summary (starting with TKSUM1)`);
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  const bodyStart = Math.ceil((12 + length) / 8) * 8;
  const aligned = bytes.slice(bodyStart);
  const body = new Float64Array(aligned.buffer, 0, aligned.byteLength / 8);
  const parsed = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + length)), (_key, value) => {
    if (isRef(value)) return body.slice(value.$f64[0], value.$f64[0] + value.$f64[1]);
    if (typeof value === "object" && value !== null && "$num" in value) return Number(value.$num);
    return value;
  }) as Omit<RunSummary, "pyramid"> & {
    pyramid: { originNs: number; level0: PyramidLevel };
    histogram: LogHistogram;
  };
  const { pyramid, ...rest } = parsed;
  return { ...rest, pyramid: buildPyramid(pyramid.originNs, pyramid.level0) };
}

/** Where a run's saved summary goes by convention: next to it, `runs/a.arrow` → `runs/a.summary`. */
export function summaryPathFor(runFile: string): string {
  return runFile.replace(/\.arrows?$/i, "") + ".summary";
}
