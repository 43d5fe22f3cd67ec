/**
 * The optional events and steal files of a run (docs/bundle-format.md, "Kernel events"): what
 * interrupted the measured CPU, as intervals on the run's own time base, and the hypervisor's steal
 * time per second.
 */
import { z } from "zod";

export const EVENT_KINDS = ["tick", "irq", "softirq", "ipi", "nmi", "thread", "throttle"] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export const EVENTS_COLUMN = {
  ts: "ts_ns",
  end: "end_ns",
  kind: "kind",
  name: "name",
  cpu: "cpu",
} as const;

export const STEAL_COLUMN = { second: "second", steal: "steal_ns" } as const;

export const EVENTS_META = "latency:events";

/** `latency:events`: how the events were recorded. Unknown keys are kept. */
export const eventsMetaSchema = z.looseObject({
  clock: z.string().min(1),
  offset_ns: z.number(),
  lost_events: z.number().int().nonnegative(),
  cpu: z.number().int().nonnegative(),
  source: z.string().min(1),
});
export type EventsMeta = z.infer<typeof eventsMetaSchema>;

export function isEventKind(kind: string): kind is EventKind {
  return (EVENT_KINDS as readonly string[]).includes(kind);
}

/** `runs/a.arrow` → `runs/a.events.arrow`: the collector's convention (the manifest names the file). */
export function eventsPathFor(runFile: string): string {
  return runFile.replace(/\.arrows?$/, "") + ".events.arrow";
}

/** `runs/a.arrow` → `runs/a.steal.arrow`. */
export function stealPathFor(runFile: string): string {
  return runFile.replace(/\.arrows?$/, "") + ".steal.arrow";
}
