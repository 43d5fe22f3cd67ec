/**
 * A summary checkpoint as the collector saves it beside a run it is writing (`runs/a.arrow` →
 * `runs/a.checkpoint`), so that recovering the run after a crash resumes the summary from it and reads
 * only the record batches that follow. Binary: "TKCKP1\0\0", a uint32 JSON length, a uint32 checksum of
 * everything after these 16 bytes, the JSON (every Float64Array a reference into the body), then the
 * arrays, 8-byte aligned. An array's trailing run of one value (a pyramid level's and the histogram's
 * unused tail) is stored once, so the file holds what the summary holds, not the fixed allocations.
 */
import type { IpcBlock } from "../format/arrow-ipc";
import { batchIndexOf } from "./batch-index";
import type { SummaryCheckpoint } from "./summarize";
import type { BatchIndexEntry } from "./types";

const MAGIC = "TKCKP1\0\0";
const HEAD_BYTES = 16;

/** The run file a checkpoint covers: its first `coveredBytes` bytes, the record batches `blocks`. */
export interface CheckpointedRun {
  /** The run file's name in its bundle. */
  file: string;
  /** Where the last covered record batch ends: the next message starts here. */
  coveredBytes: number;
  /** The covered record batches (what a footer written now would list). */
  blocks: IpcBlock[];
}

export interface CheckpointFile {
  run: CheckpointedRun;
  checkpoint: SummaryCheckpoint;
}

/** The covered record batches' blocks as columns, one value per batch: how a long run's follower keeps them. */
export interface BlockColumns {
  offset: Float64Array;
  metaDataLength: Float64Array;
  bodyLength: Float64Array;
}

/** What is encoded: a checkpoint file whose blocks may be columns already (then they are not copied). */
export type CheckpointToWrite = {
  run: Omit<CheckpointedRun, "blocks"> & { blocks: IpcBlock[] | BlockColumns };
  checkpoint: SummaryCheckpoint;
};

type ArrayRef = { $f64: [at: number, stored: number, length: number] };

/** Where a run's summary checkpoint goes: `runs/a.arrow` → `runs/a.checkpoint`. */
export function checkpointPathFor(runFile: string): string {
  return runFile.replace(/\.arrows?$/i, "") + ".checkpoint";
}

/**
 * A 32-bit checksum of 4-byte words (each piece's `byteLength` a multiple of 4 here), over pieces taken one
 * after another as if joined: each step is a bijection of the running value, so any one changed word changes
 * the result. ~5x faster than a table CRC-32 in JS.
 */
function checksum(pieces: Uint8Array[]): number {
  const words = (piece: Uint8Array) =>
    piece.byteOffset % 4 === 0
      ? new Uint32Array(piece.buffer, piece.byteOffset, piece.byteLength >>> 2)
      : new Uint32Array(piece.slice().buffer, 0, piece.byteLength >>> 2);
  let h = 0x811c9dc5 ^ pieces.reduce((n, piece) => n + (piece.byteLength >>> 2), 0);
  for (const piece of pieces) {
    const w = words(piece);
    for (let i = 0; i < w.length; i++) {
      h = Math.imul(h ^ w[i], 0x01000193);
      h ^= h >>> 15;
    }
  }
  return h >>> 0;
}

/** Length without the array's trailing run of its last value (NaN-aware); at least 1 kept. */
function storedLength(array: Float64Array): number {
  let n = array.length;
  const last = array[n - 1];
  while (n > 1 && Object.is(array[n - 2], last)) n--;
  return n;
}

/**
 * The checkpoint file's bytes as pieces whose concatenation is `encodeCheckpointFile`'s: the head (magic,
 * lengths, checksum, JSON, padding), then each array as a view of the summary's own memory. Written piece
 * by piece, saving a checkpoint allocates its JSON, not a copy of the whole (a 10-minute run's pyramid
 * level alone is ~38 MiB). The views are valid until the summary is next given samples.
 */
export function encodeCheckpointChunks(file: CheckpointToWrite): Uint8Array[] {
  const parts: Float64Array[] = [];
  let at = 0;
  const replacer = (_key: string, value: unknown) => {
    if (value instanceof Float64Array) {
      const stored = value.length ? storedLength(value) : 0;
      parts.push(value.subarray(0, stored));
      at += stored;
      return { $f64: [at - stored, stored, value.length] } satisfies ArrayRef;
    }
    if (ArrayBuffer.isView(value))
      throw new Error(`summary checkpoint: a ${value.constructor.name} where only Float64Arrays are kept`);
    if (typeof value === "number" && !Number.isFinite(value)) return { $num: String(value) };
    return value;
  };
  const { blocks, ...run } = file.run;
  const stored = {
    run,
    blocks: Array.isArray(blocks)
      ? {
          offset: Float64Array.from(blocks, (b) => b.offset),
          metaDataLength: Float64Array.from(blocks, (b) => b.metaDataLength),
          bodyLength: Float64Array.from(blocks, (b) => b.bodyLength),
        }
      : blocks,
    checkpoint: file.checkpoint,
  };
  const json = new TextEncoder().encode(JSON.stringify(stored, replacer));
  const bodyStart = Math.ceil((HEAD_BYTES + json.byteLength) / 8) * 8;
  const head = new Uint8Array(bodyStart);
  head.set(new TextEncoder().encode(MAGIC), 0);
  const view = new DataView(head.buffer);
  view.setUint32(8, json.byteLength, true);
  head.set(json, HEAD_BYTES);
  const body = parts.map((part) => new Uint8Array(part.buffer, part.byteOffset, part.byteLength));
  view.setUint32(12, checksum([head.subarray(HEAD_BYTES), ...body]), true);
  return [head, ...body];
}

export function encodeCheckpointFile(file: CheckpointToWrite): Uint8Array {
  const chunks = encodeCheckpointChunks(file);
  const out = new Uint8Array(chunks.reduce((n, chunk) => n + chunk.byteLength, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

/** Thrown for a checkpoint file that cannot be read back: what was expected and found. */
export class CheckpointError extends Error {}

export function decodeCheckpointFile(bytes: Uint8Array, name = "checkpoint"): CheckpointFile {
  const fail = (found: string) =>
    new CheckpointError(
      `${name}: expected a tickscope summary checkpoint (${MAGIC.slice(0, 6)}), found ${found}`,
    );
  if (bytes.byteLength < HEAD_BYTES) throw fail(`${bytes.byteLength} bytes`);
  if (new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) throw fail("another format");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getUint32(8, true);
  const bodyStart = Math.ceil((HEAD_BYTES + length) / 8) * 8;
  if (bodyStart > bytes.byteLength || (bytes.byteLength - bodyStart) % 8 !== 0)
    throw fail(`a header of ${length} bytes in a file of ${bytes.byteLength}`);
  const sum = checksum([bytes.subarray(HEAD_BYTES)]);
  if (sum !== view.getUint32(12, true))
    throw fail(
      `a checksum of ${sum.toString(16)} where it says ${view.getUint32(12, true).toString(16)} (damaged)`,
    );
  const aligned = Uint8Array.prototype.slice.call(bytes, bodyStart);
  const body = new Float64Array(aligned.buffer, 0, aligned.byteLength / 8);
  let stored: {
    run: Omit<CheckpointedRun, "blocks">;
    blocks: { offset: Float64Array; metaDataLength: Float64Array; bodyLength: Float64Array };
    checkpoint: SummaryCheckpoint;
  };
  try {
    stored = JSON.parse(
      new TextDecoder().decode(bytes.subarray(HEAD_BYTES, HEAD_BYTES + length)),
      (_k, value) => {
        if (typeof value !== "object" || value === null) return value;
        if ("$f64" in value) {
          const [at, n, full] = (value as ArrayRef).$f64;
          const array = new Float64Array(full);
          array.set(body.subarray(at, at + n));
          if (n < full) array.fill(body[at + n - 1], n);
          return array;
        }
        if ("$num" in value) return Number(value.$num);
        return value;
      },
    );
  } catch (error) {
    throw fail(`a header that does not parse (${(error as Error).message})`);
  }
  const { offset, metaDataLength, bodyLength } = stored.blocks;
  const blocks = Array.from(offset, (o, i) => ({
    offset: o,
    metaDataLength: metaDataLength[i],
    bodyLength: bodyLength[i],
  }));
  // A checkpoint written before the batch index became columns lists one object per batch.
  const batches = batchIndexOf(stored.checkpoint.batches as SummaryCheckpoint["batches"] | BatchIndexEntry[]);
  return { run: { ...stored.run, blocks }, checkpoint: { ...stored.checkpoint, batches } };
}
