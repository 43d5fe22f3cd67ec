"use client";

import { useCallback, useEffect } from "react";
import type { ViewState } from "@/lib/url/view-state";
import type { RunEntry } from "@/lib/workspace/types";
import type { Workspace } from "@/lib/workspace/workspace";
import { matchesRef, runRef } from "../workspace/run-ref";

/**
 * Labels the user typed live in the URL (`lbl`), by run reference: applied to the runs as they open, so
 * they survive a reload and travel in a share link. Returns what the runs table calls on an edit.
 */
export function useRunLabels(
  workspace: Workspace,
  runs: RunEntry[],
  labels: ViewState["labels"],
  update: (patch: Partial<ViewState>) => void,
): (run: RunEntry, label: string) => void {
  useEffect(() => {
    for (const [ref, label] of Object.entries(labels)) {
      const run = runs.find((r) => r.state !== "error" && matchesRef(r, ref));
      if (run && (run.fields.label ?? "") !== label)
        workspace.editFields(run.key, { label: label || undefined });
    }
  }, [workspace, runs, labels]);

  return useCallback(
    (run: RunEntry, label: string) => update({ labels: { ...labels, [runRef(run, runs)]: label } }),
    [labels, runs, update],
  );
}
