/**
 * `tickscope repair` for a run's events file or steal table whose writer did not finish (the collector was
 * killed): it keeps the whole record batches, cuts what follows the last one and appends the end-of-stream
 * marker and a footer listing them, as for the run file. Its metadata stays what the start wrote
 * (`recording: "unfinished"`, no counts of lost events).
 */
import { existsSync } from "node:fs";
import { appendFile, truncate } from "node:fs/promises";
import { join } from "node:path";
import { FormatError } from "../../../lib/format/errors";
import { eventsPathFor, stealPathFor } from "../../../lib/format/events-contract";
import {
  eventsRecoveredNote,
  recoverEvents,
  stealRecoveredNote,
  type EventsRecovery,
} from "../../../lib/format/events-recovery";
import { openFileSource } from "../../../lib/format/node-source";
import { encodeFileTail } from "../../../lib/format/run-footer";

export interface RepairedEvents {
  repaired: boolean;
  /** "recovered: N events, the recording did not finish", when repaired. */
  note: string | null;
  droppedBytes: number;
}

export async function repairEventsFile(
  path: string,
  name: string,
  noteOf: (recovery: EventsRecovery) => string = eventsRecoveredNote,
): Promise<RepairedEvents> {
  const source = await openFileSource(path);
  let recovery;
  try {
    recovery = await recoverEvents(source, name);
  } finally {
    await source.close();
  }
  if (!recovery) return { repaired: false, note: null, droppedBytes: 0 };
  await truncate(path, recovery.wholeBytes);
  await appendFile(path, encodeFileTail(recovery.schema, recovery.blocks));
  return {
    repaired: true,
    note: noteOf(recovery),
    droppedBytes: source.size - recovery.wholeBytes,
  };
}

/**
 * A bundle's run: its events file (named in the manifest, or by convention beside the run file when the
 * collector died before naming it) is finished if it needs it. Returns its path for the manifest entry, and
 * whether the entry changes; null when the run has no events file.
 */
export async function repairRunEvents(
  dir: string,
  run: { id: string; file: string; events?: string },
  log: (line: string) => void,
): Promise<{ events: string; changed: boolean } | null> {
  const repaired = await repairBeside(
    dir,
    run.id,
    run.events,
    eventsPathFor(run.file),
    eventsRecoveredNote,
    log,
  );
  return repaired && { events: repaired.path, changed: repaired.changed };
}

/** The same for the run's steal table (streamed during the run since it has a row a second). */
export async function repairRunSteal(
  dir: string,
  run: { id: string; file: string; steal?: string },
  log: (line: string) => void,
): Promise<{ steal: string; changed: boolean } | null> {
  const repaired = await repairBeside(
    dir,
    run.id,
    run.steal,
    stealPathFor(run.file),
    stealRecoveredNote,
    log,
  );
  return repaired && { steal: repaired.path, changed: repaired.changed };
}

async function repairBeside(
  dir: string,
  id: string,
  named: string | undefined,
  conventional: string,
  noteOf: (recovery: EventsRecovery) => string,
  log: (line: string) => void,
): Promise<{ path: string; changed: boolean } | null> {
  const file = named ?? conventional;
  const path = join(dir, ...file.split("/"));
  if (!existsSync(path)) return null;
  let result: RepairedEvents;
  try {
    result = await repairEventsFile(path, file, noteOf);
  } catch (error) {
    if (!(error instanceof FormatError)) throw error;
    log(`${id}: ${file} left as it is: ${error.message}`);
    return null;
  }
  if (result.repaired)
    log(
      `${id}: ${file}: ${result.note}; wrote its footer` +
        (result.droppedBytes ? ` (${result.droppedBytes} incomplete bytes at the end left out)` : ""),
    );
  return { path: file, changed: result.repaired || named === undefined };
}
