import type { RunEntry } from "@/lib/workspace/types";

/** How a run is named in legends and menus: its label, else environment · scenario · test, else its id. */
export function runLabel(run: Pick<RunEntry, "id" | "fields" | "test">): string {
  if (run.fields.label) return run.fields.label;
  const parts = [
    run.fields.environment,
    run.fields.scenario,
    run.test,
    run.fields.threads ? `${run.fields.threads} thr` : null,
  ];
  const named = parts.filter(Boolean).join(" · ");
  return named || run.id;
}
