/**
 * A run's attribution (run-attribution.ts) saved as JSON, so that a reader need not read the run again:
 * the server writes it at upload beside the run's summary, and the browser loads it. It is never
 * required: one that does not decode is rebuilt from the run and its events.
 */
import { z } from "zod";
import { EVENT_KINDS } from "../format/events-contract";
import { FormatError } from "../format/errors";
import type { RunAttribution } from "./run-attribution";

export const ATTRIBUTION_FORMAT = "tickscope-attribution";
export const ATTRIBUTION_VERSION = 1;

const ns = z.number().finite();
const causeKind = z.enum([...EVENT_KINDS, "unexplained"]);
const cause = z.object({ kind: causeKind, name: z.string(), ns });
const tally = z.object({
  samples: z.number().int().nonnegative(),
  lostNs: ns,
  causes: z.array(cause),
  cause: causeKind.nullable(),
});
const schema = z.object({
  format: z.literal(ATTRIBUTION_FORMAT),
  version: z.literal(ATTRIBUTION_VERSION),
  total: tally,
  byKind: z.record(causeKind, ns),
  /** null: nothing was lost (NaN in memory). */
  explainedShare: ns.nullable(),
  tick: tally.nullable(),
  families: z.array(tally),
  worst: z.array(z.object({ ts: ns, durationNs: ns, causes: z.array(cause) })),
  stealNs: ns.nullable(),
});

export function encodeAttribution(attribution: RunAttribution): string {
  const { explainedShare } = attribution;
  return JSON.stringify({
    format: ATTRIBUTION_FORMAT,
    version: ATTRIBUTION_VERSION,
    ...attribution,
    explainedShare: Number.isFinite(explainedShare) ? explainedShare : null,
  });
}

export function decodeAttribution(text: string, file: string): RunAttribution {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new FormatError({ file, expected: "a saved attribution (JSON)", found: (error as Error).message });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new FormatError({
      file,
      field: issue.path.join("."),
      expected: `a saved attribution, version ${ATTRIBUTION_VERSION}`,
      found: issue.message,
    });
  }
  const { total, byKind, explainedShare, tick, families, worst, stealNs } = parsed.data;
  return {
    total,
    byKind: byKind as RunAttribution["byKind"],
    explainedShare: explainedShare ?? NaN,
    tick,
    families,
    worst,
    stealNs,
  };
}
