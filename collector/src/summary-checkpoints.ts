import { rename, rm, writeFile } from "node:fs/promises";
import type { SampleBatch } from "../../lib/format/run-reader";
import { SummaryBuilder, type RunSummary, type SummaryOptions } from "../../lib/summary";
import { encodeCheckpointChunks, type BlockColumns } from "../../lib/summary/checkpoint-file";

/** The covered batches' blocks, kept as three columns grown by doubling (a 24 h run has 660k batches). */
class BlockList {
  private columns = [new Float64Array(64), new Float64Array(64), new Float64Array(64)];
  length = 0;
  add(offset: number, metaDataLength: number, bodyLength: number): void {
    if (this.length === this.columns[0].length)
      this.columns = this.columns.map((column) => {
        const grown = new Float64Array(2 * column.length);
        grown.set(column);
        return grown;
      });
    const [o, m, b] = this.columns;
    o[this.length] = offset;
    m[this.length] = metaDataLength;
    b[this.length] = bodyLength;
    this.length++;
  }
  /** Where the last block ends. */
  end(): number {
    const i = this.length - 1;
    return this.columns[0][i] + this.columns[1][i] + this.columns[2][i];
  }
  lastOffset(): number {
    return this.columns[0][this.length - 1];
  }
  /** Views of the columns, valid until the next `add`. */
  view(): BlockColumns {
    const [offset, metaDataLength, bodyLength] = this.columns.map((c) => c.subarray(0, this.length));
    return { offset, metaDataLength, bodyLength };
  }
}

/**
 * At most one checkpoint per this long: a crash's repair then reads only the last ~2 s of batches again
 * (the bound on what a crash loses), ~20 MB at `--loop-us 1`.
 */
export const CHECKPOINT_EVERY_MS = 2000;
/**
 * And no more often than this many times what the last one cost, so that checkpointing takes at most ~5%
 * of one CPU however large the summary grows (a 24 h run's pyramid and batch list are tens of MB) ...
 */
export const CHECKPOINT_COST_FACTOR = 20;
/** ... but at least this often, so that a repair never re-reads more than ~10 s of batches. */
export const CHECKPOINT_MOST_MS = 10_000;

export interface CheckpointFigures {
  written: number;
  /** The last checkpoint's size in bytes and the time it took (copy, encode, write, rename). */
  lastBytes: number;
  lastMs: number;
  /** The longest a checkpoint took. */
  mostMs: number;
}

/**
 * Summarises batches as they are written (SummaryBuilder, the code every reader runs) and saves the
 * summary in progress at `path` (atomically: a temporary file, then rename) every CHECKPOINT_EVERY_MS, or
 * less often when checkpoints are costly (up to CHECKPOINT_MOST_MS) or larger than the batches written
 * since the last one, with where the last covered record batch ends, so that `tickscope repair` resumes
 * from it.
 * The summary returned is for saving (encodeSummaryChunks): its pyramid holds level 0 alone.
 * At the end `run.keep()` says whether the checkpoint is still needed (a run whose writer did not finish
 * keeps it, for repair); `figures` reports what checkpointing cost (TICKSCOPE_CHECKPOINT_LOG=1: each one
 * on stderr).
 */
async function followWithCheckpoints(
  batches: AsyncIterable<SampleBatch>,
  options: SummaryOptions,
  run: { file: string; path: string; keep: () => boolean },
  figures: CheckpointFigures = { written: 0, lastBytes: 0, lastMs: 0, mostMs: 0 },
  pace = {
    everyMs: CHECKPOINT_EVERY_MS,
    costFactor: CHECKPOINT_COST_FACTOR,
    mostMs: CHECKPOINT_MOST_MS,
    sizeFactor: 1,
  },
): Promise<RunSummary> {
  const builder = new SummaryBuilder(options);
  const blocks = new BlockList();
  let due = performance.now() + pace.everyMs;
  let complete = true;
  let coveredBytes = 0;
  for await (const batch of batches) {
    builder.add(batch);
    if (batch.byteOffset === undefined || batch.byteLength === undefined || batch.bodyLength === undefined)
      complete = false;
    else blocks.add(batch.byteOffset, batch.byteLength - batch.bodyLength, batch.bodyLength);
    // Not before the batches since the last one outweigh it: re-reading them would cost no more than
    // writing and reading a checkpoint (a slow run's summary can be larger than minutes of its file).
    const written = complete ? blocks.lastOffset() - coveredBytes : 0;
    if (!complete || performance.now() < due || written < pace.sizeFactor * figures.lastBytes) continue;
    const started = performance.now();
    const checkpoint = builder.checkpoint({ copy: false }); // encoded before the builder goes on
    if (!checkpoint) continue;
    coveredBytes = blocks.end();
    // Written from the builder's own arrays, piece by piece: the builder is not given a batch meanwhile.
    const chunks = encodeCheckpointChunks({
      run: { file: run.file, coveredBytes, blocks: blocks.view() },
      checkpoint,
    });
    const bytes = { byteLength: chunks.reduce((n, chunk) => n + chunk.byteLength, 0) };
    const temp = `${run.path}.${process.pid}.tmp`;
    await writeFile(temp, chunks);
    await rename(temp, run.path);
    const took = performance.now() - started;
    Object.assign(figures, {
      written: figures.written + 1,
      lastBytes: bytes.byteLength,
      lastMs: took,
      mostMs: Math.max(figures.mostMs, took),
    });
    due = performance.now() + Math.min(pace.mostMs, Math.max(pace.everyMs, pace.costFactor * took));
    if (process.env.TICKSCOPE_CHECKPOINT_LOG)
      console.error(
        `checkpoint ${run.file}: ${bytes.byteLength} bytes, ${took.toFixed(1)} ms, ${blocks.length} batches, ${checkpoint.scalars.count} samples`,
      );
  }
  const summary = builder.finish({ upperLevels: false }); // saved as it is: level 0 is what is stored
  if (!run.keep()) await rm(run.path, { force: true });
  return summary;
}

/** The same; a pass that fails takes its checkpoint with it (a whole pass replaces it). */
export async function summarizeWithCheckpoints(
  ...args: Parameters<typeof followWithCheckpoints>
): Promise<RunSummary> {
  try {
    return await followWithCheckpoints(...args);
  } catch (error) {
    await rm(args[2].path, { force: true });
    throw error;
  }
}
