"use client";

import { useState } from "react";
import { loadSamplesTable } from "@/lib/db/page-tables";
import { SAMPLES_CAP, samplesRefusal } from "@/lib/db/samples-table";
import { SAMPLES_QUERY } from "@/lib/queries/raw-samples";
import type { RunEntry } from "@/lib/workspace/types";
import type { TimeWindow } from "../panels/zoom";
import { Button } from "../ui/button";
import { runLabel } from "../workspace/run-label";
import { useWorkspace } from "../workspace/workspace-context";

type State =
  | { state: "idle" }
  | { state: "loading"; at: string }
  | { state: "refused" | "failed"; at: string; message: string };

/**
 * "Query these samples": loads the raw samples of the window on screen into DuckDB's `samples` table
 * (replacing the previous window's), then opens the workbench with a query over them. Above the cap it
 * loads nothing and says why, with the cap and the window's count.
 */
export function QuerySamplesButton({
  run,
  window,
  endNs,
  onOpen,
}: {
  run: RunEntry;
  window: TimeWindow;
  /** The run's last timestamp: a window reaching it includes that last sample. */
  endNs: number;
  onOpen: (sql: string) => void;
}) {
  const workspace = useWorkspace();
  const [status, setStatus] = useState<State>({ state: "idle" });
  const t0 = window.t0;
  const t1 = window.t1 >= endNs ? endNs + 1 : window.t1;
  const at = `${run.key}:${t0}:${t1}`;
  // A note about another window (or run) is not shown.
  const shown = status.state !== "idle" && status.at === at ? status : null;

  const load = async () => {
    setStatus({ state: "loading", at });
    try {
      const samples = await workspace.requestSamples(run.key, t0, t1, SAMPLES_CAP);
      if (!samples) return setStatus({ state: "idle" });
      if (!samples.ts || !samples.duration)
        return setStatus({ state: "refused", at, message: samplesRefusal(samples.count, samples.cap) });
      await loadSamplesTable({ runId: run.key, label: runLabel(run), t0, t1 }, samples.ts, samples.duration);
      setStatus({ state: "idle" });
      onOpen(SAMPLES_QUERY);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      setStatus({ state: "failed", at, message: `The samples could not be loaded: ${message}` });
    }
  };

  return (
    <>
      <Button
        data-testid="query-samples"
        onClick={() => void load()}
        disabled={shown?.state === "loading"}
        title={`Load this window's raw samples (up to ${SAMPLES_CAP.toLocaleString("en-US")}) into the samples table and open the SQL tab`}
      >
        {shown?.state === "loading" ? "Loading samples…" : "Query these samples"}
      </Button>
      {shown && shown.state !== "loading" && (
        <span
          role="alert"
          data-testid="query-samples-note"
          data-state={shown.state}
          className="basis-full text-right text-[12px] text-warn"
        >
          {shown.message}
        </span>
      )}
    </>
  );
}
