"use client";

import { memo, useState } from "react";
import { hostNoteDetails } from "@/lib/analysis/host-notes";
import { PAPER_ENVIRONMENTS, PAPER_SCENARIOS } from "@/lib/format/contract";
import type { HostFingerprint } from "@/lib/format/manifest";
import { formatTimeLeft } from "@/lib/workspace/time-left";
import type { RunEntry } from "@/lib/workspace/types";
import { formatDuration } from "../charts/units";
import { Button } from "../ui/button";
import { FingerprintDrawer } from "./fingerprint-drawer";
import { runLabel } from "./run-label";
import { useRuns, useWorkspace } from "./workspace-context";

function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(0)} kB`;
  return `${bytes} B`;
}

export function fingerprint(host: HostFingerprint | undefined): string {
  if (!host) return "—";
  const enlightened =
    host.enlightened && typeof host.enlightened === "object" ? host.enlightened.value : host.enlightened;
  return [
    host.hypervisor ?? (host.hypervisor === null ? "bare metal" : null),
    enlightened === true ? "enlightened" : enlightened === false ? "emulated" : null,
    host.kernel,
    host.hz ? `HZ=${host.hz}` : null,
    host.clocksource,
    host.preempt ? `preempt ${host.preempt}` : null,
  ]
    .filter(Boolean)
    .join(" · ");
}

/** Where a run came from: its file, under its bundle's name unless the file's path already starts with it. */
function fileOf(run: RunEntry): string {
  const bundle = run.source.split("/").pop();
  return !bundle || run.file.startsWith(`${bundle}/`) ? run.file : `${bundle}/${run.file}`;
}

function Progress({ run }: { run: RunEntry }) {
  const workspace = useWorkspace();
  const { bytes, totalBytes, samples, msLeft } = run.progress;
  const fraction = totalBytes > 0 ? Math.min(1, bytes / totalBytes) : 0;
  return (
    <div className="flex min-w-44 items-center gap-2">
      <div
        role="progressbar"
        aria-label={`Reading ${run.file}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(fraction * 100)}
        className="h-1.5 w-24 overflow-hidden rounded-full bg-raised"
      >
        <div className="h-full bg-accent" style={{ width: `${fraction * 100}%` }} />
      </div>
      <span data-testid="run-progress" className="num text-[11px] whitespace-nowrap text-muted">
        {formatBytes(bytes)}
        {totalBytes ? ` / ${formatBytes(totalBytes)}` : ""} · {samples.toLocaleString("en-US")} samples
        {msLeft != null && <span data-testid="run-time-left"> · {formatTimeLeft(msLeft)}</span>}
      </span>
      <Button
        variant="ghost"
        aria-label={`Cancel reading ${run.file}`}
        onClick={() => workspace.cancel(run.key)}
      >
        Cancel
      </Button>
    </div>
  );
}

/** A run whose read was cancelled: said so, with the way back. */
function Cancelled({ run }: { run: RunEntry }) {
  const workspace = useWorkspace();
  const { bytes, totalBytes } = run.progress;
  return (
    <div data-testid="run-cancelled" role="status" className="flex items-center gap-2 text-[11px] text-muted">
      <span>
        cancelled after {formatBytes(bytes)}
        {totalBytes ? ` of ${formatBytes(totalBytes)}` : ""} —
      </span>
      <Button
        variant="ghost"
        aria-label={`Open ${run.file} again`}
        onClick={() => workspace.openAgain(run.key)}
      >
        open again
      </Button>
    </div>
  );
}

function EditableField({
  run,
  field,
  options,
  onEdit,
}: {
  run: RunEntry;
  field: "label" | "environment" | "scenario";
  options?: readonly string[];
  /** Told of an edit instead of the workspace (labels go to the URL, which applies them). */
  onEdit?: (value: string) => void;
}) {
  const workspace = useWorkspace();
  const listId = options ? `options-${field}` : undefined;
  return (
    <input
      aria-label={`${field} of ${run.id}`}
      defaultValue={run.fields[field] ?? ""}
      list={listId}
      placeholder="—"
      onBlur={(event) => {
        const value = event.currentTarget.value.trim();
        if (value === (run.fields[field] ?? "")) return;
        if (onEdit) onEdit(value);
        else workspace.editFields(run.key, { [field]: value || undefined });
      }}
      onKeyDown={(event) => {
        if (event.key === "Enter") event.currentTarget.blur();
      }}
      className="w-full min-w-20 rounded border border-transparent bg-transparent px-1 py-0.5 text-ink hover:border-line focus:border-accent focus:bg-surface"
    />
  );
}

/** The runs list: what each run is, how far it has loaded, and what went wrong with the ones that failed. */
export const RunsTable = memo(function RunsTable({
  focus,
  onFocus,
  onLabel,
}: {
  focus: string | null;
  onFocus: (key: string) => void;
  onLabel: (run: RunEntry, label: string) => void;
}) {
  const runs = useRuns();
  const workspace = useWorkspace();
  const loading = runs.some((run) => run.state === "loading");
  const [drawer, setDrawer] = useState<string | null>(null);
  const drawerRun = runs.find((run) => run.key === drawer && run.fields.host);
  return (
    <section
      data-testid="runs"
      data-state={loading ? "loading" : "ready"}
      aria-labelledby="runs-title"
      className="overflow-hidden rounded-lg border border-line bg-surface"
    >
      <datalist id="options-environment">
        {PAPER_ENVIRONMENTS.map((name) => (
          <option key={name} value={name} />
        ))}
      </datalist>
      <datalist id="options-scenario">
        {PAPER_SCENARIOS.map((name) => (
          <option key={name} value={name} />
        ))}
      </datalist>
      <h2 id="runs-title" className="sr-only">
        Open runs
      </h2>
      <div className="max-h-64 overflow-auto">
        <table className="w-full border-collapse text-left text-[12px]">
          <thead className="sticky top-0 z-10 bg-raised text-[11px] tracking-wide text-muted uppercase">
            <tr>
              {[
                "",
                "label",
                "environment",
                "scenario",
                "test",
                "threads",
                "samples",
                "span",
                "max duration",
                "fingerprint",
                "",
              ].map((head, i) => (
                <th key={i} scope="col" className="px-2 py-1.5 font-medium whitespace-nowrap">
                  {head}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {runs.map((run) => (
              <tr
                key={run.key}
                data-testid="run-row"
                data-run={run.id}
                data-state={run.state}
                aria-selected={focus === run.key}
                className={`border-t border-line ${focus === run.key ? "bg-accent-soft/60" : ""}`}
              >
                <td className="w-6 px-2">
                  <input
                    type="radio"
                    name="focus-run"
                    aria-label={`Show ${runLabel(run)} in the timeline`}
                    checked={focus === run.key}
                    disabled={run.state !== "ready" || run.digest?.kind === "histogram"}
                    onChange={() => onFocus(run.key)}
                  />
                </td>
                {run.state === "error" ? (
                  <td colSpan={9} className="px-2 py-1.5">
                    <span className="num font-medium text-ink">{run.file}</span>
                    <span role="alert" data-testid="run-error" className="ml-2 text-danger">
                      {run.error?.message}
                    </span>
                  </td>
                ) : (
                  <>
                    <td className="px-1 py-0.5">
                      <EditableField
                        key={run.fields.label ?? ""}
                        run={run}
                        field="label"
                        onEdit={(label) => onLabel(run, label)}
                      />
                      <div
                        data-testid="run-name"
                        className="num max-w-72 truncate px-1 text-[10px] text-faint"
                        title={`${run.source} · ${run.file}`}
                      >
                        {runLabel(run) === (run.fields.label || null) ? "" : `${runLabel(run)} · `}
                        {fileOf(run)}
                      </div>
                      {run.recovered && (
                        <div data-testid="run-recovered" role="note" className="px-1 text-[10px] text-danger">
                          {run.recovered}
                        </div>
                      )}
                    </td>
                    <td className="px-1">
                      <EditableField run={run} field="environment" options={PAPER_ENVIRONMENTS} />
                    </td>
                    <td className="px-1">
                      <EditableField run={run} field="scenario" options={PAPER_SCENARIOS} />
                    </td>
                    <td className="px-2">{run.test ?? "—"}</td>
                    <td className="num px-2 text-right">{run.fields.threads ?? "—"}</td>
                    {run.state === "loading" ? (
                      <td colSpan={4} className="px-2">
                        <Progress run={run} />
                      </td>
                    ) : run.state === "cancelled" ? (
                      <td colSpan={4} className="px-2">
                        <Cancelled run={run} />
                      </td>
                    ) : (
                      <>
                        <td className="num px-2 text-right whitespace-nowrap">
                          {run.digest?.count.toLocaleString("en-US")}
                        </td>
                        <td className="num px-2 text-right whitespace-nowrap">
                          {run.digest ? formatDuration(run.digest.endNs - run.digest.startNs) : "—"}
                        </td>
                        <td className="num px-2 text-right whitespace-nowrap" data-testid="run-max">
                          {run.digest ? formatDuration(run.digest.max.value, 4) : "—"}
                        </td>
                        <td className="max-w-80 px-2 text-muted">
                          {run.fields.host ? (
                            <button
                              type="button"
                              data-testid="fingerprint"
                              aria-label={`Host fingerprint of ${runLabel(run)}: ${fingerprint(run.fields.host)}`}
                              title="Show the whole fingerprint"
                              onClick={() => setDrawer(run.key)}
                              className="block max-w-full truncate text-left underline decoration-line-strong decoration-dotted underline-offset-2 hover:text-ink"
                            >
                              {fingerprint(run.fields.host)}
                            </button>
                          ) : (
                            "—"
                          )}
                          {hostNoteDetails(run.fields.host).map((note) => (
                            <div
                              key={note.topic}
                              data-testid="run-host-note"
                              title={note.text}
                              className="truncate text-[11px] font-medium text-warn"
                            >
                              ⚠ {note.short}
                            </div>
                          ))}
                        </td>
                      </>
                    )}
                  </>
                )}
                <td className="w-8 px-1 text-right">
                  <Button
                    variant="ghost"
                    aria-label={`Close ${run.file}`}
                    onClick={() => workspace.remove(run.key)}
                  >
                    ×
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {drawerRun && (
        <FingerprintDrawer
          title={runLabel(drawerRun)}
          host={drawerRun.fields.host!}
          onClose={() => setDrawer(null)}
        />
      )}
    </section>
  );
});
