import { appendFile, readFile, rm, truncate } from "node:fs/promises";
import type { RandomAccessSource } from "../../lib/format/byte-source";
import { openFileSource } from "../../lib/format/node-source";
import { describeRecovery } from "../../lib/format/recovery";
import { encodeFileTail } from "../../lib/format/run-footer";
import { openRun } from "../../lib/format/run-reader";
import {
  batchCount,
  pyramidBucketsFor,
  summarizeRun,
  SummaryBuilder,
  type RunSummary,
  type SummaryOptions,
} from "../../lib/summary";
import { judgeCheckpoint } from "../../lib/summary/checkpoint-resume";

export interface RepairedRun {
  /** False when the file already had its footer: nothing was changed. */
  repaired: boolean;
  /** "recovered: N samples, the run did not finish (…)", when repaired. */
  note: string | null;
  /** Bytes cut off the end (an incomplete batch, a partial footer). */
  droppedBytes: number;
  summary: RunSummary;
  /**
   * How the summary was made: resumed from the collector's checkpoint (reading only the batches after
   * it), or by a whole pass and why the checkpoint could not serve; null for a file that was whole.
   */
  summarised: string | null;
  /** Bytes of the run file read to repair it (the footer search, the checks and the batches). */
  bytesRead: number;
}

/** A sample's bytes in a run file (ts int64, duration uint32): a whole pass sizes the pyramid from the file. */
const BYTES_PER_SAMPLE = 12;

/** A source that counts the bytes read through it. */
function counted(source: RandomAccessSource): RandomAccessSource & { bytes: number } {
  const readInto =
    source.readInto?.bind(source) ??
    ((offset: number, target: Uint8Array) => source.read(offset, target.byteLength));
  const counter = {
    bytes: 0,
    size: source.size,
    async read(offset: number, length: number) {
      const bytes = await source.read(offset, length);
      counter.bytes += bytes.byteLength;
      return bytes;
    },
    async readInto(offset: number, target: Uint8Array) {
      const bytes = await readInto(offset, target);
      counter.bytes += bytes.byteLength;
      return bytes;
    },
  };
  return counter;
}

/**
 * Gives a run file whose writer did not finish its footer: keeps its whole record batches (read and
 * validated by the one reader, lib/format/run-reader), cuts what follows the last one, and appends the
 * end-of-stream marker and a footer listing them. The summary comes from the same pass: resumed from
 * the summary checkpoint the collector left at `checkpointPath` when that matches the file, reading only
 * the batches after it; else over the whole file. The checkpoint is removed once the footer is written.
 */
export async function repairRunFile(
  path: string,
  name: string,
  options: SummaryOptions,
  checkpointPath?: string,
): Promise<RepairedRun> {
  const file = await openFileSource(path);
  const source = counted(file);
  let summary: RunSummary;
  let run: Awaited<ReturnType<typeof openRun>>;
  let summarised: string | null = null;
  let size: number;
  try {
    size = source.size;
    const opened = await openRun(source, name);
    const verdict =
      opened.header.recovered && checkpointPath
        ? await judgeCheckpoint(
            await readFile(checkpointPath).catch(() => null),
            checkpointPath.replace(/^.*\//, ""),
            source,
            name,
            opened,
          )
        : null;
    if (verdict?.use) {
      run = await openRun(source, name, { resumeAt: verdict.resumeAt });
      const builder = SummaryBuilder.resume(verdict.checkpoint);
      for await (const batch of run.batches({ reuseTimestamps: true })) builder.add(batch);
      summary = builder.finish();
      const after = batchCount(summary.batches) - verdict.resumeAt.batches;
      summarised =
        `summary resumed from its checkpoint (${verdict.resumeAt.batches} record batches); read the ${after} after it` +
        ` (${source.bytes.toLocaleString("en")} of ${size.toLocaleString("en")} bytes)`;
    } else {
      run = opened;
      summary = await summarizeRun(run.batches({ reuseTimestamps: true }), {
        ...options,
        test: options.test ?? run.header.test,
        pyramidBuckets: options.pyramidBuckets ?? pyramidBucketsFor(size / BYTES_PER_SAMPLE),
      });
      if (verdict) summarised = `summary read from the whole file: ${verdict.reason}`;
    }
  } finally {
    await file.close();
  }
  const recovery = run.recovery();
  if (!recovery)
    return { repaired: false, note: null, droppedBytes: 0, summary, summarised, bytesRead: source.bytes };
  await truncate(path, recovery.wholeBytes);
  await appendFile(path, encodeFileTail(run.schema, recovery.blocks));
  if (checkpointPath) await rm(checkpointPath, { force: true });
  return {
    repaired: true,
    note: describeRecovery(recovery),
    droppedBytes: size - recovery.wholeBytes,
    summary,
    summarised,
    bytesRead: source.bytes,
  };
}
