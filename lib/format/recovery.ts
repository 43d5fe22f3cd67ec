/**
 * A run whose writer did not finish (killed, crashed, out of disk): its file has the schema first and
 * whole record batches up to some point, but no footer. Readers keep what is whole and say so.
 */
import type { IpcBlock } from "./arrow-ipc";

export interface Recovery {
  /** Samples in the whole record batches. */
  samples: number;
  batches: number;
  /** Where the last whole record batch ends (the schema's end when there is none). */
  wholeBytes: number;
  /** Where an incomplete message starts, when the file ends inside one; null when it ends between two. */
  cutAt: number | null;
  /** The whole record batches, where each sits: what a footer written now would list. */
  blocks: IpcBlock[];
}

/** What every reader shows beside a recovered run. */
export function recoveredNote(samples: number): string {
  return `recovered: ${samples.toLocaleString("en")} samples, the run did not finish`;
}

/** The same, with where the file was cut when it ends inside a message. */
export function describeRecovery(recovery: Recovery): string {
  const cut =
    recovery.cutAt === null ? "" : ` (the incomplete message from byte ${recovery.cutAt} on is left out)`;
  return `${recoveredNote(recovery.samples)}${cut}`;
}

/**
 * Where to go on reading a recovered run whose first record batches a summary checkpoint covers: the
 * next message's offset, how many batches and samples come before it, the last timestamp, and the
 * covered batches' blocks (for the footer).
 */
export interface ResumePoint {
  byteOffset: number;
  batches: number;
  rows: number;
  lastTs: number;
  blocks: IpcBlock[];
}
