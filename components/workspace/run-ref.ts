import type { RunEntry } from "@/lib/workspace/types";

type Ref = Pick<RunEntry, "key" | "id" | "source">;

/**
 * How the URL names a run: its id, short and stable across reloads, unless another open run has the same
 * id (two bundles with a "tick" run), then its bundle and id ("demo/kvm-matrix/tick"), also stable across
 * reloads and rewritten by Share to the stored bundle's id; its workspace key only when even that repeats.
 */
export function runRef(run: Ref, runs: readonly Ref[]): string {
  if (!runs.some((other) => other !== run && other.id === run.id)) return run.id;
  const sourced = `${run.source}/${run.id}`;
  return runs.some((other) => other !== run && `${other.source}/${other.id}` === sourced) ? run.key : sourced;
}

export function matchesRef(run: Ref, ref: string): boolean {
  return run.key === ref || run.id === ref || `${run.source}/${run.id}` === ref;
}
