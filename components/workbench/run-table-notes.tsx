"use client";

import type { RunEntry } from "@/lib/workspace/types";
import { runLabel } from "../workspace/run-label";

export interface RunTableNote {
  runId: string;
  label: string;
  /** absent: none of its rows are in the tables; resummarised: its rows come from its samples. */
  kind: "absent" | "resummarised";
  reason: string;
}

/**
 * What the workbench says about runs whose rows are not what their bundle held: a run that could not be
 * opened has no rows (its `load_errors` row says why); a run whose saved summary could not be used was
 * summarised from its samples, so its rows are there, computed in this browser.
 */
export function runTableNotes(
  runs: RunEntry[],
  failures: { runId: string; message: string }[],
): RunTableNote[] {
  const notes: RunTableNote[] = [];
  for (const run of runs) {
    const failure = failures.find((f) => f.runId === run.key);
    if (run.state === "error" || failure)
      notes.push({
        runId: run.key,
        label: runLabel(run),
        kind: "absent",
        reason: failure?.message ?? run.error?.message ?? "it could not be opened",
      });
    else if (run.summaryProblem)
      notes.push({ runId: run.key, label: runLabel(run), kind: "resummarised", reason: run.summaryProblem });
  }
  return notes;
}

export function RunTableNotes({ notes }: { notes: RunTableNote[] }) {
  if (notes.length === 0) return null;
  return (
    <ul data-testid="sql-load-failures" className="space-y-0.5 text-[12px] text-warn">
      {notes.map((note) => (
        <li key={note.runId} data-run={note.runId} data-kind={note.kind}>
          {note.kind === "absent" ? (
            <>
              Run <b>{note.label}</b> ({note.runId}) has no rows in the tables: {note.reason}
            </>
          ) : (
            <>
              Run <b>{note.label}</b> ({note.runId}): its saved summary could not be used ({note.reason}); its
              rows come from its samples, summarised again in this browser.
            </>
          )}
        </li>
      ))}
    </ul>
  );
}
