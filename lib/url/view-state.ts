import { z } from "zod";
import { VALUE_KINDS, type ValueKind } from "../analysis/value-kind";

/**
 * What a share link holds: the bundles, the runs, the time window, the open panel and the comparison's
 * settings. Each field is parsed on its own with a fallback, so a tampered or outdated value falls back
 * to its default instead of breaking the page; defaults are never written into the URL.
 */
export const VIEW_STATE_VERSION = 1;

export const PANELS = ["timeline", "tick", "spikes", "distribution", "comparison", "workbench"] as const;
export type Panel = (typeof PANELS)[number];

export const STATISTICS = ["max", "p50", "p90", "p99", "p99.9", "p99.99", "p99.999", "above"] as const;
export type Statistic = (typeof STATISTICS)[number];

/** The longest query a share link carries (characters); a longer one is left out of the link. */
export const SQL_LINK_MAX = 4000;

const idList = z
  .string()
  .transform((s) => s.split(",").filter(Boolean))
  .pipe(z.array(z.string().regex(/^[A-Za-z0-9._:/-]{1,200}$/)).max(64));
/** Labels the user gave runs, by run reference: `{"tick":"guest, idle"}` as JSON. */
const labelMap = z
  .string()
  .transform((s, ctx) => {
    try {
      return JSON.parse(s) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: "not JSON" });
      return z.NEVER;
    }
  })
  .pipe(z.record(z.string().min(1).max(200), z.string().max(200)))
  .refine((labels) => Object.keys(labels).length <= 64);
const nanoseconds = z.coerce.number().finite().nonnegative().max(Number.MAX_SAFE_INTEGER);

const fields = {
  bundles: { key: "b", schema: idList, fallback: [] as string[] },
  runs: { key: "r", schema: idList, fallback: [] as string[] },
  focus: { key: "run", schema: z.string().min(1).max(200), fallback: null as string | null },
  from: { key: "t0", schema: nanoseconds, fallback: null as number | null },
  to: { key: "t1", schema: nanoseconds, fallback: null as number | null },
  panel: { key: "panel", schema: z.enum(PANELS), fallback: "timeline" as Panel },
  statistic: { key: "stat", schema: z.enum(STATISTICS), fallback: "max" as Statistic },
  reference: { key: "ref", schema: z.string().min(1).max(200), fallback: null as string | null },
  paper: { key: "paper", schema: z.enum(["0", "1"]).transform((v) => v === "1"), fallback: false as boolean },
  /** Duration or overhead, in Distributions, Comparison and the threshold (lib/analysis/value-kind.ts). */
  values: { key: "as", schema: z.enum(VALUE_KINDS), fallback: "duration" as ValueKind },
  /** The spike threshold, in the kind `values` names; null for each run's own. */
  threshold: { key: "thr", schema: nanoseconds, fallback: null as number | null },
  logY: { key: "ylog", schema: z.enum(["0", "1"]).transform((v) => v === "1"), fallback: false as boolean },
  labels: { key: "lbl", schema: labelMap, fallback: {} as Record<string, string> },
  /** The SQL workbench's query: a link shows it in the editor, and only the user's click runs it. */
  sql: { key: "sql", schema: z.string().min(1).max(SQL_LINK_MAX), fallback: null as string | null },
  /** The timeline's kernel events track (issue #11): shown unless the link says `ev=0`. */
  eventsTrack: {
    key: "ev",
    schema: z.enum(["0", "1"]).transform((v) => v === "1"),
    fallback: true as boolean,
  },
} as const;

type Fields = typeof fields;
export type ViewState = { [K in keyof Fields]: Fields[K]["fallback"] };

export const DEFAULT_VIEW: ViewState = Object.fromEntries(
  Object.entries(fields).map(([name, field]) => [name, field.fallback]),
) as ViewState;

function serializeField(value: unknown): string {
  if (Array.isArray(value)) return value.join(",");
  if (typeof value === "boolean") return value ? "1" : "0";
  if (value !== null && typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** Reads a query string; every field that is missing or invalid takes its default. */
export function parseViewState(search: string | URLSearchParams): ViewState {
  const params = typeof search === "string" ? new URLSearchParams(search) : search;
  const state: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(fields)) {
    const raw = params.get(field.key);
    const parsed = raw === null ? null : field.schema.safeParse(raw);
    state[name] = parsed?.success ? parsed.data : field.fallback;
  }
  const view = state as ViewState;
  if (view.from !== null && view.to !== null && view.from >= view.to)
    return { ...view, from: null, to: null };
  return view;
}

/** Writes only what differs from the defaults, behind the version, in a stable key order. */
export function serializeViewState(view: ViewState): string {
  const params = new URLSearchParams();
  params.set("v", String(VIEW_STATE_VERSION));
  for (const [name, field] of Object.entries(fields)) {
    const value = view[name as keyof ViewState];
    if (serializeField(value) === serializeField(field.fallback)) continue;
    params.set(field.key, serializeField(value));
  }
  return params.toString();
}
