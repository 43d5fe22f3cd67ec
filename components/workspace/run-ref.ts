import type { RunEntry } from "@/lib/workspace/types";

/**
 * How the URL names a run: its id, short and stable across reloads, unless another open run has the same
 * id (two bundles with a "tick" run), then its workspace key.
 */
export function runRef(run: RunEntry, runs: readonly RunEntry[]): string {
  return runs.some((other) => other !== run && other.id === run.id) ? run.key : run.id;
}

export function matchesRef(run: RunEntry, ref: string): boolean {
  return run.key === ref || run.id === ref;
}
