/**
 * Bundles whose runs carry kernel events with known causes (issue #11), for tests, e2e fixtures and
 * benchmarks: the synthetic trace's events (synthetic-trace.ts) written as the run's events file and
 * named in the manifest, beside runs without events.
 */
import { zipSync } from "fflate";
import { EVENT_KINDS, eventsPathFor, type EventKind, type EventsMeta } from "../events-contract";
import { EventsStreamWriter, memorySink } from "../events-stream-writer";
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
  /** Its events file as the collector streams it, in batches of this many rows (default: one file written whole). */
  eventsBatchRows?: number;
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
    if (run.events)
      files[eventsPathFor(`runs/${run.id}.arrow`)] = run.eventsBatchRows
        ? encodeStreamedEvents(run.events, run.eventsBatchRows)
        : encodeSyntheticEvents(run.events);
  const zip = zipSync(Object.fromEntries(Object.entries(files).map(([p, b]) => [p, [b, { level: 0 }]])));
  return { manifest: built.manifest, files, zip };
}

/**
 * The generated events as the collector streams them: the schema first, then batches of `batchRows`
 * written as they come; `finished: false` leaves the footer out (the collector was killed).
 */
export function encodeStreamedEvents(
  events: {
    ts: ArrayLike<number>;
    end: ArrayLike<number>;
    kind: readonly EventKind[];
    name: readonly string[];
  },
  batchRows: number,
  options: { finished?: boolean; meta?: Partial<EventsMeta> } = {},
): Uint8Array {
  const sink = memorySink();
  const meta = { ...SYNTHETIC_EVENTS_META, ...options.meta };
  const writer = new EventsStreamWriter(sink, meta);
  const names: string[] = [];
  const nameIds = new Map<string, number>();
  const rows = (at: number, to: number) => Array.from({ length: to - at }, (_, i) => at + i);
  for (let at = 0; at < events.ts.length; at += batchRows) {
    const to = Math.min(events.ts.length, at + batchRows);
    const name = new Uint32Array(to - at);
    for (let i = at; i < to; i++) {
      let id = nameIds.get(events.name[i]);
      if (id === undefined) nameIds.set(events.name[i], (id = names.push(events.name[i]) - 1));
      name[i - at] = id;
    }
    writer.write({
      ts: BigInt64Array.from(rows(at, to), (i) => BigInt(events.ts[i])),
      end: BigInt64Array.from(rows(at, to), (i) => BigInt(events.end[i])),
      kind: Uint8Array.from(rows(at, to), (i) => EVENT_KINDS.indexOf(events.kind[i])),
      name,
      names: [...names],
      cpu: new Int32Array(to - at),
    });
  }
  if (options.finished !== false) writer.finish(meta);
  return sink.bytes();
}
