/**
 * The two ways tickscope shows a sample, named on every axis, column, tooltip, export and CLI line:
 *
 * - **duration**: the sample as measured (one busy loop, one thread switch).
 * - **overhead**: what an interruption added, the duration minus the run's baseline (its typical
 *   uninterrupted loop), for tick runs. A switch run has no uninterrupted baseline to take away: its
 *   overhead is the switch latency itself (as in the study's tables), equal to its duration.
 */
import type { RunSummary } from "../summary";

export const VALUE_KINDS = ["duration", "overhead"] as const;
export type ValueKind = (typeof VALUE_KINDS)[number];

/** What is taken from a duration to show it as `kind` (summary.offsetNs: the baseline, or 0 for switch runs). */
export function kindOffset(offsetNs: number, kind: ValueKind): number {
  return kind === "overhead" ? offsetNs : 0;
}

/** A duration shown as `kind`. */
export function asKind(summary: Pick<RunSummary, "offsetNs">, durationNs: number, kind: ValueKind): number {
  return durationNs - kindOffset(summary.offsetNs, kind);
}

/** The same threshold seen as the other kind, for one run (so it still marks the same samples). */
export function convertKind(valueNs: number, from: ValueKind, to: ValueKind, offsetNs: number): number {
  return valueNs + kindOffset(offsetNs, from) - kindOffset(offsetNs, to);
}

export const KIND_MEANING: Record<ValueKind, string> = {
  duration: "the sample as measured",
  overhead: "duration minus the run's baseline (tick runs); a switch run's latency itself",
};
