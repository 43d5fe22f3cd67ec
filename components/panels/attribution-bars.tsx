"use client";

import { CAUSE_KINDS } from "@/lib/analysis/run-attribution";
import type { RunEntry } from "@/lib/workspace/types";
import { formatDuration } from "../charts/units";
import { runLabel } from "../workspace/run-label";
import { CAUSE_COLOURS } from "./cause-colours";

/**
 * Comparison's "attribution": one stacked bar per run of where the time its interrupted samples lost
 * (their overhead) went, by kind of kernel event and the unexplained rest. Runs without events say so.
 */
export function AttributionBars({ runs }: { runs: RunEntry[] }) {
  const shown = runs.filter((run) => run.state === "ready");
  if (!shown.length) return null;
  return (
    <section
      className="mt-3 text-[12px]"
      data-testid="attribution-bars"
      aria-label="Attribution of lost time"
    >
      <h3 className="font-medium text-ink">Attribution: where each run&apos;s lost time (overhead) went</h3>
      <div className="mt-1 flex flex-wrap gap-2 text-muted">
        {CAUSE_KINDS.map((kind) => (
          <span key={kind} className="inline-flex items-center gap-1">
            <span
              className="inline-block h-2.5 w-2.5 rounded-sm"
              style={{ background: CAUSE_COLOURS[kind] }}
            />
            {kind}
          </span>
        ))}
      </div>
      {shown.map((run) => {
        const a = run.events?.attribution;
        const lost = a?.total.lostNs ?? 0;
        return (
          <div key={run.key} className="mt-1.5" data-testid="attribution-run" data-run={run.id}>
            <div className="flex justify-between">
              <span>{runLabel(run)}</span>
              <span className="num text-muted">
                {run.events === undefined
                  ? "reading its kernel events…"
                  : !a
                    ? "no kernel events recorded"
                    : `${formatDuration(lost)} overhead lost; steal ${a.stealNs === null ? "not recorded" : formatDuration(a.stealNs)}`}
              </span>
            </div>
            {a && lost > 0 && (
              <div className="mt-0.5 flex h-3 w-full overflow-hidden rounded-sm border border-line">
                {CAUSE_KINDS.filter((kind) => a.byKind[kind] > 0).map((kind) => (
                  <div
                    key={kind}
                    data-testid="attribution-part"
                    data-kind={kind}
                    title={`${kind}: ${formatDuration(a.byKind[kind])} overhead (${((100 * a.byKind[kind]) / lost).toFixed(1)}%)`}
                    style={{ width: `${(100 * a.byKind[kind]) / lost}%`, background: CAUSE_COLOURS[kind] }}
                  />
                ))}
              </div>
            )}
          </div>
        );
      })}
    </section>
  );
}
