"use client";

import { useState } from "react";
import type { Cause } from "@/lib/analysis/attribution";
import type { RunEntry } from "@/lib/workspace/types";
import { formatDuration } from "../charts/units";
import { Button } from "../ui/button";

function causeText(cause: Cause): string {
  return cause.kind === "unexplained"
    ? "unexplained (hypervisor, SMI, firmware)"
    : `${cause.kind} ${cause.name}`;
}

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
        {events.problem
          ? `Kernel events not used: ${events.problem.message}`
          : "No kernel events were recorded for this run: the causes of its spikes are unknown."}
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
      {shown && (
        <table className="mt-1.5" data-testid="spike-cause-list">
          <caption className="text-left text-muted">
            Spike at {formatDuration(shown.ts)}: duration {formatDuration(shown.durationNs)}; its overhead
            (duration minus the baseline) went to
          </caption>
          <tbody>
            {shown.causes.map((cause) => (
              <tr key={`${cause.kind}:${cause.name}`} data-testid="spike-cause" data-kind={cause.kind}>
                <td className="pr-3">{causeText(cause)}</td>
                <td className="num text-right">{formatDuration(cause.ns)} overhead</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
