/**
 * Bundles whose runs carry kernel events with known causes (issue #11), for tests, e2e fixtures and
 * benchmarks: the synthetic trace's events (synthetic-trace.ts) written as the run's events file and
 * named in the manifest, beside runs without events.
 */
import { zipSync } from "fflate";
import { eventsPathFor, type EventsMeta } from "../events-contract";
import { encodeEventsFile } from "../events-writer";
import type { RunFields } from "../manifest";
import { buildBundle, type BuiltBundle } from "./bundle";
import type { SyntheticEvents } from "./synthetic-trace";

export const SYNTHETIC_EVENTS_META: EventsMeta = {
  clock: "x86-tsc",
  offset_ns: 0,
  lost_events: 0,
  cpu: 0,
  source: "tracefs",
};

/** The generated events as an events file (docs/bundle-format.md, "Kernel events"). */
export function encodeSyntheticEvents(events: SyntheticEvents, meta: Partial<EventsMeta> = {}): Uint8Array {
  return encodeEventsFile(
    {
      ts: BigInt64Array.from(events.ts, BigInt),
      end: BigInt64Array.from(events.end, BigInt),
      kind: events.kind,
      name: events.name,
      cpu: new Int32Array(events.ts.length),
    },
    { ...SYNTHETIC_EVENTS_META, ...meta },
  );
}

export interface EventsBundleRun {
  id: string;
  /** The run file's bytes (`encodeSyntheticRun(...).bytes`). */
  bytes: Uint8Array;
  /** Its events (`encodeSyntheticRun(...).truth.events`), or null for a run recorded without them. */
  events: SyntheticEvents | null;
  test?: string;
  fields?: RunFields;
}

/** A zipped bundle of the runs, each with its events file (`runs/<id>.events.arrow`) when it has events. */
export function buildEventsBundle(runs: EventsBundleRun[]): BuiltBundle {
  const built = buildBundle({
    runs: runs.map((run) => ({
      id: run.id,
      bytes: run.bytes,
      test: run.test ?? "tick",
      fields: { ...run.fields, ...(run.events && { events: eventsPathFor(`runs/${run.id}.arrow`) }) },
    })),
  });
  const files = { ...built.files };
  for (const run of runs)
    if (run.events) files[eventsPathFor(`runs/${run.id}.arrow`)] = encodeSyntheticEvents(run.events);
  const zip = zipSync(Object.fromEntries(Object.entries(files).map(([p, b]) => [p, [b, { level: 0 }]])));
  return { manifest: built.manifest, files, zip };
}
