import { appendFile, truncate } from "node:fs/promises";
import { openFileSource } from "../../lib/format/node-source";
import { describeRecovery } from "../../lib/format/recovery";
import { encodeFileTail } from "../../lib/format/run-footer";
import { openRun } from "../../lib/format/run-reader";
import { summarizeRun, type RunSummary, type SummaryOptions } from "../../lib/summary";

export interface RepairedRun {
  /** False when the file already had its footer: nothing was changed. */
  repaired: boolean;
  /** "recovered: N samples, the run did not finish (…)", when repaired. */
  note: string | null;
  /** Bytes cut off the end (an incomplete batch, a partial footer). */
  droppedBytes: number;
  summary: RunSummary;
}

/**
 * Gives a run file whose writer did not finish its footer: keeps its whole record batches (read and
 * validated by the one reader, lib/format/run-reader), cuts what follows the last one, and appends the
 * end-of-stream marker and a footer listing them. The summary comes from the same pass.
 */
export async function repairRunFile(
  path: string,
  name: string,
  options: SummaryOptions,
): Promise<RepairedRun> {
  const source = await openFileSource(path);
  let summary: RunSummary;
  let run: Awaited<ReturnType<typeof openRun>>;
  let size: number;
  try {
    size = source.size;
    run = await openRun(source, name);
    summary = await summarizeRun(run.batches({ reuseTimestamps: true }), {
      ...options,
      test: options.test ?? run.header.test,
    });
  } finally {
    await source.close();
  }
  const recovery = run.recovery();
  if (!recovery) return { repaired: false, note: null, droppedBytes: 0, summary };
  await truncate(path, recovery.wholeBytes);
  await appendFile(path, encodeFileTail(run.schema, recovery.blocks));
  return {
    repaired: true,
    note: describeRecovery(recovery),
    droppedBytes: size - recovery.wholeBytes,
    summary,
  };
}
