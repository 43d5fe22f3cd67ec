"use client";

import { useState } from "react";
import {
  formatThreshold,
  samplesAtOrAbove,
  ownThreshold,
  type ThresholdCount,
} from "@/lib/analysis/threshold";
import { parseDuration } from "@/lib/analysis/units";
import { kindOffset, type ValueKind } from "@/lib/analysis/value-kind";
import type { RunSummary } from "@/lib/summary";
import type { RunDigest } from "@/lib/workspace/types";
import { Button } from "../ui/button";

/**
 * The threshold in effect for a run, in the chosen kind, and the exact count of samples reaching it.
 * The run's own threshold (a derived, fractional value) is taken at the histogram edge it counts from.
 */
export function thresholdFor(
  summary: RunSummary,
  thresholdNs: number | null,
  kind: ValueKind,
): ThresholdCount {
  if (thresholdNs !== null) return samplesAtOrAbove(summary, thresholdNs, kind);
  const counted = samplesAtOrAbove(summary, ownThreshold(summary, kind), kind);
  return { ...counted, thresholdNs: counted.fromNs };
}

/** Where the threshold in effect lies on a duration axis (the timeline's). */
export function thresholdAsDuration(
  summary: RunSummary,
  thresholdNs: number | null,
  kind: ValueKind,
): number {
  return thresholdFor(summary, thresholdNs, kind).thresholdNs + kindOffset(summary.offsetNs, kind);
}

/** "3,269 samples at or above 40.8 µs overhead", naming the histogram edge when it is not the threshold. */
export function ThresholdCountText({ counted, kind }: { counted: ThresholdCount; kind: ValueKind }) {
  const moved = counted.fromNs !== counted.thresholdNs;
  return (
    <span className="num" data-testid="above-threshold" data-count={counted.count} data-from={counted.fromNs}>
      {counted.count.toLocaleString("en-US")} sample{counted.count === 1 ? "" : "s"} at or above{" "}
      {formatThreshold(counted.fromNs)} {kind}
      {moved && (
        <span className="text-[11px]">
          {" "}
          (the nearest histogram edge above {formatThreshold(counted.thresholdNs)}: an exact count)
        </span>
      )}
    </span>
  );
}

interface Props {
  digest: RunDigest;
  /** The threshold asked for (ns, in `kind`), or null for the run's own. */
  thresholdNs: number | null;
  kind: ValueKind;
  onThreshold: (thresholdNs: number | null) => void;
}

/** The spike threshold, typed with its unit ("40us", "1.5 ms") as duration or overhead, with how many samples reach it. */
export function ThresholdControl({ digest, thresholdNs, kind, onThreshold }: Props) {
  const [problem, setProblem] = useState<string | null>(null);
  const summary = digest.comparable;
  if (!summary) return null;
  const counted = thresholdFor(summary, thresholdNs, kind);
  const commit = (text: string) => {
    if (text.trim() === "") return (setProblem(null), onThreshold(null));
    try {
      onThreshold(parseDuration(text));
      setProblem(null);
    } catch (error) {
      setProblem(`Threshold: ${(error as Error).message}`);
    }
  };
  return (
    <span className="flex flex-wrap items-center gap-1.5 text-muted">
      <label className="flex items-center gap-1">
        Threshold ({kind})
        <input
          type="text"
          inputMode="decimal"
          aria-label={`Spike threshold as ${kind}, with its unit (ns, us, ms, s); empty for the run's own`}
          aria-invalid={problem !== null}
          defaultValue={formatThreshold(counted.thresholdNs)}
          key={`${digest.thresholdNs}:${thresholdNs}:${kind}`}
          onKeyDown={(event) => {
            if (event.key === "Enter") commit(event.currentTarget.value);
          }}
          onBlur={(event) => commit(event.currentTarget.value)}
          className="num h-7 w-28 rounded-md border border-line bg-surface px-1.5 text-ink"
        />
      </label>
      <ThresholdCountText counted={counted} kind={kind} />
      {thresholdNs !== null && <Button onClick={() => onThreshold(null)}>Run&apos;s own</Button>}
      {problem && (
        <span role="alert" className="text-[12px] text-danger" data-testid="threshold-problem">
          {problem}
        </span>
      )}
    </span>
  );
}
