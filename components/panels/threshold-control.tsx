"use client";

import { countAtOrAbove } from "@/lib/summary/histogram";
import type { RunDigest } from "@/lib/workspace/types";
import { formatDuration } from "../charts/units";
import { Button } from "../ui/button";

interface Props {
  digest: RunDigest;
  /** The threshold asked for (a duration, ns), or null for the run's own. */
  thresholdNs: number | null;
  onThreshold: (thresholdNs: number | null) => void;
}

/** The spike threshold drawn on the timeline: edited in µs, with how many samples reach it. */
export function ThresholdControl({ digest, thresholdNs, onThreshold }: Props) {
  const shown = thresholdNs ?? digest.thresholdNs;
  const above = digest.comparable ? countAtOrAbove(digest.comparable.histogram, shown) : null;
  const commit = (text: string) => {
    const us = Number(text);
    onThreshold(text.trim() === "" || !(us > 0) ? null : Math.round(us * 1000));
  };
  return (
    <span className="flex items-center gap-1.5 text-muted">
      <label className="flex items-center gap-1">
        Threshold (µs)
        <input
          type="number"
          min={0}
          step="any"
          aria-label="Spike threshold in microseconds of duration; empty for the run's own"
          defaultValue={(shown / 1000).toFixed(1)}
          key={`${digest.thresholdNs}:${thresholdNs}`}
          onKeyDown={(event) => {
            if (event.key === "Enter") commit(event.currentTarget.value);
          }}
          onBlur={(event) => commit(event.currentTarget.value)}
          className="num h-7 w-24 rounded-md border border-line bg-surface px-1.5 text-ink"
        />
      </label>
      {above !== null && (
        <span className="num" data-testid="above-threshold">
          {above.toLocaleString("en-US")} sample{above === 1 ? "" : "s"} at or above{" "}
          {formatDuration(shown - digest.offsetNs, 3)} {digest.offsetNs ? "overhead" : "latency"}
        </span>
      )}
      {thresholdNs !== null && <Button onClick={() => onThreshold(null)}>Run&apos;s own</Button>}
    </span>
  );
}
