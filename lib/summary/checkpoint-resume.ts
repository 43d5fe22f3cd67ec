/**
 * Recovering a run's summary from the checkpoint its collector left beside it: the checkpoint is used
 * only when it decodes, names this run and its test, ends within the file, and the batches it says it
 * covers are where it says, with the samples it says; otherwise the caller reads the whole file, and the
 * reason says why in words a user can act on.
 */
import type { RandomAccessSource } from "../format/byte-source";
import type { ResumePoint } from "../format/recovery";
import { readBatchesAt, type RunHandle } from "../format/run-reader";
import { CheckpointError, decodeCheckpointFile, type CheckpointFile } from "./checkpoint-file";
import { batchCount, batchEntry } from "./batch-index";
import type { SummaryCheckpoint } from "./summarize";
import type { BatchIndexEntry } from "./types";

export type CheckpointVerdict =
  { use: true; checkpoint: SummaryCheckpoint; resumeAt: ResumePoint } | { use: false; reason: string };

function sameBatch(a: BatchIndexEntry, rows: number, tsFirst: number, tsLast: number): boolean {
  return a.rows === rows && Object.is(a.tsFirst, tsFirst) && Object.is(a.tsLast, tsLast);
}

/**
 * Whether `bytes` (the checkpoint file, null when there is none) can resume the summary of the run in
 * `source`, opened as `run`. Reads the covered first and last record batches to check them.
 */
export async function judgeCheckpoint(
  bytes: Uint8Array | null,
  name: string,
  source: RandomAccessSource,
  file: string,
  run: Pick<RunHandle, "schema" | "header">,
): Promise<CheckpointVerdict> {
  if (!bytes) return { use: false, reason: `no summary checkpoint (${name})` };
  let saved: CheckpointFile;
  try {
    saved = decodeCheckpointFile(bytes, name);
  } catch (error) {
    if (error instanceof CheckpointError)
      return { use: false, reason: `a corrupt checkpoint: ${error.message}` };
    throw error;
  }
  const { checkpoint, run: covered } = saved;
  const base = file.replace(/^.*\//, "");
  if (covered.file.replace(/^.*\//, "") !== base)
    return { use: false, reason: `a stale checkpoint: ${name} is for ${covered.file}, not ${base}` };
  if (checkpoint.version !== 1)
    return { use: false, reason: `a stale checkpoint: ${name} is version ${checkpoint.version}, expected 1` };
  const test = checkpoint.options.test ?? "tick";
  if (run.header.test !== undefined && run.header.test !== test)
    return {
      use: false,
      reason: `a stale checkpoint: ${name} summarised a ${test} run, the file is a ${run.header.test} run`,
    };
  if (covered.coveredBytes > source.size)
    return {
      use: false,
      reason: `a checkpoint ahead of the file: ${name} covers ${covered.coveredBytes} bytes, the file has ${source.size}`,
    };
  const count = batchCount(checkpoint.batches);
  const blocks = covered.blocks;
  const last = blocks[blocks.length - 1];
  const mismatch = (what: string) => ({
    use: false as const,
    reason: `a checkpoint that does not match the file: ${name} ${what}`,
  });
  if (!last || count !== blocks.length) return mismatch("lists no whole record batch");
  if (last.offset + last.metaDataLength + last.bodyLength !== covered.coveredBytes)
    return mismatch(`ends at byte ${covered.coveredBytes}, its last batch elsewhere`);
  for (const i of new Set([0, count - 1])) {
    const entry = batchEntry(checkpoint.batches, i);
    const block = blocks[i];
    try {
      for await (const batch of readBatchesAt(
        source,
        file,
        [
          {
            index: entry.index,
            firstRow: entry.firstRow,
            byteOffset: block.offset,
            byteLength: block.metaDataLength + block.bodyLength,
          },
        ],
        undefined,
        run,
      )) {
        const n = batch.ts.length;
        if (!sameBatch(entry, n, n ? batch.ts[0] : NaN, n ? batch.ts[n - 1] : NaN))
          return mismatch(`says record batch ${entry.index} at byte ${block.offset} holds other samples`);
      }
    } catch (error) {
      return mismatch(
        `says record batch ${entry.index} is at byte ${block.offset}: ${(error as Error).message}`,
      );
    }
  }
  const end = batchEntry(checkpoint.batches, count - 1);
  return {
    use: true,
    checkpoint,
    resumeAt: {
      byteOffset: covered.coveredBytes,
      batches: end.index + 1,
      rows: end.firstRow + end.rows,
      lastTs: Number(checkpoint.scalars.lastTs),
      blocks,
    },
  };
}
