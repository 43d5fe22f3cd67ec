import type { RunEventsState } from "@/lib/workspace/types";

/** What every view that shows causes says of a run without usable kernel events: unknown, never zero. */
export function noEventsText(events: RunEventsState): string {
  return events.problem
    ? `Kernel events not used: ${events.problem.message}`
    : "No kernel events were recorded for this run: the causes of its spikes are unknown.";
}
