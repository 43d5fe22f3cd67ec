/**
 * The attribution of one run of a bundle: its events (and steal) files as the manifest names them,
 * read once, and one more pass over the run file beside them. Null when the run has no events file;
 * a file that does not read is an error of the run, never a blank.
 */
import type { Bundle, BundleRun } from "../format/bundle-reader";
import { readAllBytes, sequentialReader } from "../format/byte-source";
import { FormatError, type FormatProblem } from "../format/errors";
import { readEvents, readSteal, type RunEvents, type RunSteal } from "../format/events-reader";
import { readRunBatches } from "../format/run-reader";
import type { RunSummary } from "../summary";
import { decodeAttribution } from "./attribution-codec";
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
    // Saved at upload: the run need not be read again (its events still are, for the timeline).
    const saved = files.attribution ? await savedAttribution(bundle, files.attribution) : null;
    if (saved) return { attribution: saved, lostEvents: events.meta.lost_events, events, errors };
    file = run.file;
    const batches = readRunBatches(await opened(bundle, run.file), run.file, { reuseTimestamps: true });
    const attribution = await attributeRun(batches, { summary, events, steal });
    return { attribution, lostEvents: events.meta.lost_events, events, errors };
  } catch (error) {
    errors.push(problemOf(error, file));
    return { attribution: null, lostEvents: null, events: null, errors };
  }
}
