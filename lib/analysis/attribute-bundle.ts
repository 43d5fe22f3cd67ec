/**
 * The attribution of one run of a bundle: its events (and steal) files as the manifest names them,
 * and one more pass over the run file, the events file's batches walked beside it (neither is held
 * whole). Null when the run has no events file; a file that does not read is an error of the run,
 * never a blank.
 */
import type { Bundle, BundleRun } from "../format/bundle-reader";
import { readAllBytes, sequentialReader } from "../format/byte-source";
import { FormatError, type FormatProblem } from "../format/errors";
import {
  readEventColumnBatches,
  readEventColumnsAt,
  type EventBatchLocation,
  type EventBatches,
  type EventColumnBatch,
} from "../format/events-batches";
import { readSteal, type RunSteal } from "../format/events-reader";
import { readRunBatches } from "../format/run-reader";
import { toRandomAccess } from "../format/byte-source";
import type { RunSummary } from "../summary";
import { decodeAttribution } from "./attribution-codec";
import type { EventColumns, EventScratch } from "../format/event-columns";
import { CACHED_BATCHES, EventBatchEntries, EventBatchIndex } from "./event-batch-index";
import { EventFineBins } from "./event-fine-bins";
import { attributeRunStreamed, type RunAttribution } from "./run-attribution";

export interface BundleRunAttribution {
  attribution: RunAttribution | null;
  /** The events file's lost-event count (events the kernel dropped), when it has events. */
  lostEvents: number | null;
  /**
   * The events file's batch index, for questions about one window or one sample (reads batches as
   * asked); with the events' fine bins when asked for (`fineBins`: the timeline's zoomed-out windows).
   */
  events: EventBatchIndex | null;
  errors: FormatProblem[];
}

function problemOf(error: unknown, file: string): FormatProblem {
  if (error instanceof FormatError) return error.toJSON();
  return { file, expected: "a readable file", found: error instanceof Error ? error.message : String(error) };
}

async function opened(bundle: Bundle, file: string) {
  const source = await bundle.open(file);
  if (!source) throw new FormatError({ file, expected: "a file that is in the bundle", found: "none" });
  return source;
}

/** Which events and steal files the manifest names for a run, and its saved attribution (the server's). */
export function eventFilesOf(
  bundle: Bundle,
  run: BundleRun,
): { events?: string; steal?: string; attribution?: string } {
  // A bundle's files may sit one folder down (bundle-reader): the manifest's paths are relative to it.
  const entry = bundle.manifest?.runs.find((r) => r.id === run.id && run.file.endsWith(r.file));
  if (!entry) return {};
  const root = run.file.slice(0, run.file.length - entry.file.length);
  const at = (path: string | undefined) => path && `${root}${path}`;
  return { events: at(entry.events), steal: at(entry.steal), attribution: at(entry.attribution) };
}

/** The attribution saved beside the run (the server's, at upload), or null when it does not load. */
async function savedAttribution(bundle: Bundle, file: string): Promise<RunAttribution | null> {
  try {
    const bytes = await readAllBytes(sequentialReader(await opened(bundle, file)).rest());
    return decodeAttribution(new TextDecoder().decode(bytes), file);
  } catch {
    return null;
  }
}

export async function attributeBundleRun(
  bundle: Bundle,
  run: BundleRun,
  summary: RunSummary | null,
  options: { fineBins?: boolean } = {},
): Promise<BundleRunAttribution> {
  const files = eventFilesOf(bundle, run);
  if (!files.events || !summary || summary.kind !== "samples")
    return { attribution: null, lostEvents: null, events: null, errors: [] };
  const errors: FormatProblem[] = [];
  let steal: RunSteal | null = null;
  if (files.steal) {
    try {
      steal = await readSteal(await opened(bundle, files.steal), files.steal);
    } catch (error) {
      errors.push(problemOf(error, files.steal));
    }
  }
  const eventsFile = files.events;
  let file = eventsFile;
  try {
    const read = await readEventColumnBatches(await opened(bundle, eventsFile), eventsFile);
    const index = new EventBatchEntries(options.fineBins ? new EventFineBins() : null);
    const locations: EventBatchLocation[] = [];
    const indexed = (async function* () {
      try {
        for await (const batch of read.batches) {
          index.add(batch);
          locations.push({ offset: batch.offset, byteLength: batch.byteLength, firstRow: batch.firstRow });
          yield batch;
        }
      } catch (error) {
        file = eventsFile;
        throw error;
      }
    })();
    const events = () =>
      new EventBatchIndex(
        index.entries,
        (b, scratch) => batchAgain(bundle, eventsFile, read, locations, b, scratch),
        CACHED_BATCHES,
        index.fine,
      );
    // Saved at upload: the run need not be read again (its events still are, once, for the index).
    const saved = files.attribution ? await savedAttribution(bundle, files.attribution) : null;
    if (saved) {
      for await (const batch of indexed) void batch;
      return { attribution: saved, lostEvents: read.meta.lost_events, events: events(), errors };
    }
    file = run.file;
    const batches = readRunBatches(await opened(bundle, run.file), run.file, { reuseTimestamps: true });
    const attribution = await attributeRunStreamed(batches, indexed, { summary, steal });
    return { attribution, lostEvents: read.meta.lost_events, events: events(), errors };
  } catch (error) {
    errors.push(problemOf(error, file));
    return { attribution: null, lostEvents: null, events: null, errors };
  }
}

/** Batch `b` of an events file read before: where it sits when the source allows, else read up to it. */
async function batchAgain(
  bundle: Bundle,
  file: string,
  read: EventBatches<EventColumnBatch>,
  locations: EventBatchLocation[],
  b: number,
  scratch?: EventScratch,
): Promise<EventColumns> {
  const source = await opened(bundle, file);
  const random = read.located ? toRandomAccess(source) : null;
  if (random) return readEventColumnsAt(random, file, read.schemaBytes, locations[b], scratch);
  let n = 0;
  for await (const batch of (await readEventColumnBatches(source, file)).batches) if (n++ === b) return batch;
  throw new FormatError({ file, expected: `record batch ${b}`, found: "fewer batches than when first read" });
}
