"use client";

import type { RunEntry } from "@/lib/workspace/types";
import { Button } from "../ui/button";
import { EventsTrack } from "./events-track";
import { noEventsText } from "./no-events";
import { SampleCauses } from "./sample-causes";
import type { TimelineAxis } from "./timeline-axis";

/**
 * What the timeline shows under its samples (issue #11): the kernel events track (shown or hidden, kept
 * in the share link) and the causes of the spike picked on the chart.
 */
export function TimelineEvents({
  run,
  axis,
  shown,
  onShown,
  picked,
}: {
  run: RunEntry;
  axis: TimelineAxis;
  shown: boolean;
  onShown: (shown: boolean) => void;
  picked: { ts: number; value: number } | null;
}) {
  const none = run.events && !run.events.attribution ? noEventsText(run.events) : null;
  return (
    <div className="mt-1" data-testid="timeline-events">
      <div className="flex flex-wrap items-center gap-2 text-[12px]">
        <Button
          pressed={shown}
          onClick={() => onShown(!shown)}
          data-testid="events-toggle"
          title="Show the run's kernel events under the samples"
        >
          Kernel events
        </Button>
        {none ? (
          <span className="text-muted" data-testid="events-none">
            {none}
          </span>
        ) : (
          !shown && <span className="text-muted">hidden</span>
        )}
      </div>
      {shown && !none && <EventsTrack run={run} axis={axis} />}
      <SampleCauses run={run} picked={picked} />
    </div>
  );
}
