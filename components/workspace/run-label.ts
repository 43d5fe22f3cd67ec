import { ownLabel } from "@/lib/workspace/run-labels";
import type { RunEntry } from "@/lib/workspace/types";

/**
 * How a run is named in legends and menus: the unique label the workspace gave it (its own label, set
 * apart by scenario or bundle from an open run of the same name), else its own label.
 */
export function runLabel(run: Pick<RunEntry, "id" | "fields" | "test" | "label">): string {
  return run.label ?? ownLabel(run);
}
