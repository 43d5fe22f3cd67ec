/**
 * The attribution of one run of a bundle: its events (and steal) files as the manifest names them,
 * read once, and one more pass over the run file beside them. Null when the run has no events file;
 * a file that does not read is an error of the run, never a blank.
 */
import type { Bundle, BundleRun } from "../format/bundle-reader";
import { FormatError, type FormatProblem } from "../format/errors";
import { readEvents, readSteal, type RunEvents, type RunSteal } from "../format/events-reader";
import { readRunBatches } from "../format/run-reader";
import type { RunSummary } from "../summary";
import { attributeRun, type RunAttribution } from "./run-attribution";

export interface BundleRunAttribution {
  attribution: RunAttribution | null;
  /** The events file's lost-event count (events the kernel dropped), when it has events. */
  lostEvents: number | null;
  /** The events as read, for questions about one window or one sample (attribution-index.ts). */
  events: RunEvents | null;
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

/** Which events and steal files the manifest names for a run. */
export function eventFilesOf(bundle: Bundle, run: BundleRun): { events?: string; steal?: string } {
  const entry = bundle.manifest?.runs.find((r) => r.id === run.id && r.file === run.file);
  return { events: entry?.events, steal: entry?.steal };
}

export async function attributeBundleRun(
  bundle: Bundle,
  run: BundleRun,
  summary: RunSummary | null,
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
  let file = files.events;
  try {
    const events = await readEvents(await opened(bundle, files.events), files.events);
    file = run.file;
    const batches = readRunBatches(await opened(bundle, run.file), run.file, { reuseTimestamps: true });
    const attribution = await attributeRun(batches, { summary, events, steal });
    return { attribution, lostEvents: events.meta.lost_events, events, errors };
  } catch (error) {
    errors.push(problemOf(error, file));
    return { attribution: null, lostEvents: null, events: null, errors };
  }
}
