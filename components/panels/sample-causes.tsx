"use client";

import { useMemo } from "react";
import type { RunEntry, SampleCauses as Answer } from "@/lib/workspace/types";
import { useWorkspace } from "../workspace/workspace-context";
import { CauseList } from "./cause-list";
import { useLatestAnswer } from "./use-latest-answer";

/** The causes of the sample picked on the timeline (any spike, not only the worst ten). */
export function SampleCauses({
  run,
  picked,
}: {
  run: RunEntry;
  picked: { ts: number; value: number } | null;
}) {
  const workspace = useWorkspace();
  const recorded = !!run.events?.attribution;
  const ts = picked?.ts;
  const value = picked?.value;
  const ask = useMemo(
    () =>
      recorded && ts !== undefined && value !== undefined
        ? () => workspace.requestSampleCauses(run.key, ts, value)
        : null,
    [workspace, run.key, recorded, ts, value],
  );
  const { answer, error } = useLatestAnswer<Answer>(ask);
  if (!picked) return null;
  if (run.events === undefined)
    return (
      <p className="mt-1 text-[12px] text-muted" data-testid="sample-causes">
        Reading the run&apos;s kernel events…
      </p>
    );
  if (!run.events.attribution)
    return (
      <p className="mt-1 text-[12px] text-muted" data-testid="sample-causes" data-events="none">
        The picked sample&apos;s causes are unknown: the run has no usable kernel events (said above).
      </p>
    );
  if (error)
    return (
      <p className="mt-1 text-[12px] text-danger" data-testid="sample-causes">
        The causes of this sample could not be read: {error}
      </p>
    );
  const current = answer && answer.ts === picked.ts && answer.durationNs === picked.value ? answer : null;
  return (
    <div
      className="text-[12px]"
      data-testid="sample-causes"
      data-events="recorded"
      data-ts={current?.ts ?? ""}
    >
      {current?.causes ? (
        <CauseList ts={current.ts} durationNs={current.durationNs} causes={current.causes} />
      ) : (
        <p className="mt-1 text-muted">Reading what took this sample&apos;s time…</p>
      )}
    </div>
  );
}
