import { writeFile } from "node:fs/promises";
import { openFileSource } from "../../lib/format/node-source";
import { readRunBatches } from "../../lib/format/run-reader";
import { encodeSummaryChunks, summarizeRun, type SummaryOptions } from "../../lib/summary";

/**
 * Computes a run's summary (lib/summary, the same code the server and the browser run) and saves it
 * beside the run, so a reader need not scan millions of samples before it can draw anything.
 */
export async function saveRunSummary(
  path: string,
  name: string,
  options: SummaryOptions,
  out: string,
): Promise<void> {
  const source = await openFileSource(path);
  try {
    // The summary copies what it keeps: batch buffers are reused, so memory does not grow with the run.
    const summary = await summarizeRun(readRunBatches(source, name, { reuseTimestamps: true }), options);
    await writeFile(out, encodeSummaryChunks(summary));
  } finally {
    await source.close();
  }
}
