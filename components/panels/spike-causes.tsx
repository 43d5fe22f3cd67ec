"use client";

import { useState } from "react";
import type { RunEntry } from "@/lib/workspace/types";
import { formatDuration } from "../charts/units";
import { Button } from "../ui/button";
import { CauseList } from "./cause-list";
import { noEventsText } from "./no-events";

/**
 * The worst spikes and, for the one clicked, what took its lost time (its overhead) by kernel event,
 * and the unexplained rest. Says so when the run has no events.
 */
export function SpikeCauses({ run }: { run: RunEntry }) {
  const [open, setOpen] = useState<number | null>(null);
  const events = run.events;
  if (events === undefined)
    return (
      <p className="mt-2 text-[12px] text-muted" data-testid="spike-causes">
        Reading the run&apos;s kernel events…
      </p>
    );
  if (!events.attribution)
    return (
      <p className="mt-2 text-[12px] text-muted" data-testid="spike-causes" data-events="none">
        {noEventsText(events)}
      </p>
    );
  const { worst, explainedShare } = events.attribution;
  const shown = open === null ? null : worst[open];
  return (
    <div className="mt-2 text-[12px]" data-testid="spike-causes" data-events="recorded">
      <div className="flex flex-wrap items-center gap-1.5">
        <span className="text-muted">
          Worst spikes (
          {Number.isFinite(explainedShare) ? `${Math.round(explainedShare * 1000) / 10}%` : "none"} of the
          run&apos;s lost time explained by kernel events); click one for its causes:
        </span>
        {worst.map((spike, i) => (
          <Button key={spike.ts} pressed={open === i} data-testid="worst-spike" onClick={() => setOpen(i)}>
            <span className="num">
              {formatDuration(spike.ts)} · {formatDuration(spike.durationNs)}
            </span>
          </Button>
        ))}
      </div>
      {shown && <CauseList ts={shown.ts} durationNs={shown.durationNs} causes={shown.causes} />}
    </div>
  );
}

/** A periodic family's cause (the kind holding most of its lost time), or that it is unknown without events. */
export function FamilyCause({ run, family }: { run: RunEntry; family: number }) {
  const events = run.events;
  if (events === undefined) return null;
  const cause = events.attribution?.families[family]?.cause;
  if (!events.attribution)
    return (
      <span data-testid="family-cause" data-events="none" title={noEventsText(events)}>
        {" "}
        · cause unknown (no kernel events)
      </span>
    );
  return cause ? <span data-testid="family-cause"> · cause: {cause}</span> : null;
}
