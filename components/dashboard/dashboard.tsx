"use client";

// First: before any module builds a zod schema (see the module).
import "@/lib/security/zod-jitless";
import { useCallback, useMemo, useState } from "react";
import { convertKind, type ValueKind } from "@/lib/analysis/value-kind";
import type { Panel } from "@/lib/url/view-state";
import type { RunEntry } from "@/lib/workspace/types";
import { DuckdbStatus } from "../duckdb-status";
import { ComparisonPanel } from "../panels/comparison-panel";
import { DistributionPanel } from "../panels/distribution-panel";
import { SpikesPanel } from "../panels/spikes-panel";
import { TickPanel } from "../panels/tick-panel";
import { TimelinePanel } from "../panels/timeline-panel";
import { TimelineEvents } from "../panels/timeline-events";
import type { TimeWindow } from "../panels/zoom";
import { DropTarget, OpenControls } from "../workspace/open-controls";
import { matchesRef, runRef } from "../workspace/run-ref";
import { RunsTable } from "../workspace/runs-table";
import { useDuckdbTables } from "../workspace/use-duckdb-tables";
import { useRuns, useWorkspace, WorkspaceProvider } from "../workspace/workspace-context";
import { useDemo } from "./use-demo";
import { useRunLabels } from "./use-run-labels";
import { EmptyState } from "./empty-state";
import { PanelTabs } from "./panel-tabs";
import { ThemeToggle } from "./theme-toggle";
import { useViewState } from "./use-view-state";
import { ShareButton } from "../share/share-button";
import { WorkbenchPanel } from "../workbench/workbench-panel";
import { SharedBundles } from "../share/shared-bundles";

export function Dashboard() {
  return (
    <WorkspaceProvider>
      <DropTarget>
        <DashboardBody />
      </DropTarget>
    </WorkspaceProvider>
  );
}

function DashboardBody() {
  const runs = useRuns();
  const [view, update] = useViewState();
  const workspace = useWorkspace();
  useDemo(workspace);
  const onLabel = useRunLabels(workspace, runs, view.labels, update);
  useDuckdbTables();
  // A picked spike belongs to the run it was picked in.
  const [picked, setPicked] = useState<{ runKey: string; ts: number; value: number } | null>(null);

  const sampleRuns = useMemo(
    () =>
      runs.filter(
        (run) => run.digest?.kind !== "histogram" && run.state !== "error" && run.state !== "cancelled",
      ),
    [runs],
  );
  const focusRun = useMemo(
    () =>
      (view.focus !== null ? sampleRuns.find((run) => matchesRef(run, view.focus!)) : undefined) ??
      sampleRuns.find((run) => run.state === "ready" && run.test === "tick") ??
      sampleRuns.find((run) => run.state === "ready") ??
      sampleRuns[0],
    [sampleRuns, view.focus],
  );
  const window = view.from !== null && view.to !== null ? { t0: view.from, t1: view.to } : null;

  const focusKey = focusRun?.key;
  const marker = picked && picked.runKey === focusKey ? picked : null;
  const setMarker = useCallback(
    (next: { ts: number; value: number } | null) =>
      setPicked(next && focusKey ? { runKey: focusKey, ...next } : null),
    [focusKey],
  );

  // A window always names its run: otherwise a link would open it on whichever run loads first.
  const focusRef = focusRun ? runRef(focusRun, runs) : view.focus;
  const onWindow = useCallback(
    (next: TimeWindow) => update({ focus: focusRef, from: Math.round(next.t0), to: Math.round(next.t1) }),
    [update, focusRef],
  );
  const openInTimeline = useCallback(
    (next: TimeWindow) =>
      update({ panel: "timeline", focus: focusRef, from: Math.round(next.t0), to: Math.round(next.t1) }),
    [update, focusRef],
  );
  const onFocus = useCallback(
    (key: string) => {
      const run = runs.find((r) => r.key === key);
      update({ focus: run ? runRef(run, runs) : key, from: null, to: null });
    },
    [runs, update],
  );
  const openAtMax = useCallback(
    (run: RunEntry) => {
      const max = run.digest?.max;
      const focus = runRef(run, runs);
      if (!max || max.ts === null) return update({ panel: "timeline", focus, from: null, to: null });
      const span = Math.max((run.digest?.tick?.periodNs ?? 1e6) * 10, 1e6);
      update({
        panel: "timeline",
        focus,
        from: Math.round(max.ts - span / 2),
        to: Math.round(max.ts + span / 2),
      });
      setPicked({ runKey: run.key, ts: max.ts, value: max.value });
    },
    [update, runs],
  );
  const [workbenchOpened, setWorkbenchOpened] = useState(false);
  if (view.panel === "workbench" && !workbenchOpened) setWorkbenchOpened(true);
  const onSql = useCallback((sql: string | null) => update({ sql }), [update]);
  // A view's "SQL" button: its query shown in the workbench, run only when the user asks.
  const openSql = useCallback((sql: string) => update({ panel: "workbench", sql }), [update]);
  const centre = window ? (window.t0 + window.t1) / 2 : null;
  // Switching duration ↔ overhead keeps the threshold on the same samples of the focused run.
  const focusOffset = focusRun?.digest?.offsetNs ?? 0;
  const onKind = useCallback(
    (values: ValueKind) =>
      update({
        values,
        threshold:
          view.threshold === null
            ? null
            : Math.max(0, Math.round(convertKind(view.threshold, view.values, values, focusOffset))),
      }),
    [update, view.threshold, view.values, focusOffset],
  );

  const panels: Record<Panel, React.ReactNode> = {
    timeline: (
      <TimelinePanel
        run={focusRun}
        window={window}
        onWindow={onWindow}
        thresholdNs={view.threshold}
        valueKind={view.values}
        onThreshold={(threshold) => update({ threshold })}
        marker={marker}
        onMarker={setMarker}
        logY={view.logY}
        onLogY={(logY) => update({ logY })}
        below={(axis) =>
          focusRun && (
            <TimelineEvents
              run={focusRun}
              axis={axis}
              shown={view.eventsTrack}
              onShown={(eventsTrack) => update({ eventsTrack })}
              picked={marker}
            />
          )
        }
        onQuerySamples={openSql}
      />
    ),
    tick: <TickPanel run={focusRun} centre={centre} onOpenTimeline={openInTimeline} onOpenSql={openSql} />,
    spikes: (
      <SpikesPanel
        run={focusRun}
        onZoom={openInTimeline}
        thresholdNs={view.threshold}
        valueKind={view.values}
        onOpenSql={openSql}
      />
    ),
    distribution: (
      <DistributionPanel
        runs={runs}
        chosen={view.runs}
        onChoose={(ids) => update({ runs: ids })}
        kind={view.values}
        onKind={onKind}
      />
    ),
    comparison: (
      <ComparisonPanel
        runs={runs}
        statistic={view.statistic}
        reference={view.reference}
        paper={view.paper}
        kind={view.values}
        thresholdNs={view.threshold}
        onChange={update}
        onKind={onKind}
        onOpenRun={openAtMax}
        onOpenSql={openSql}
      />
    ),
    workbench: <WorkbenchPanel sql={view.sql} onSql={onSql} />,
  };

  return (
    <div className="flex min-h-screen flex-col">
      <header className="sticky top-0 z-20 flex h-11 items-center gap-3 border-b border-line bg-surface/95 px-4 backdrop-blur">
        <h1 className="flex items-baseline gap-2">
          <span className="text-[14px] font-semibold tracking-tight">tickscope</span>
          <span className="hidden text-[12px] text-muted sm:inline">latency traces, tick by tick</span>
        </h1>
        {runs.length > 0 && (
          <div className="ml-4">
            <OpenControls compact />
          </div>
        )}
        <div className="ml-auto flex items-center gap-2">
          {runs.length > 0 && <ShareButton sources={() => workspace.openedSources()} view={view} />}
          <ThemeToggle />
        </div>
      </header>
      <main className="flex-1 space-y-3 px-4 py-3">
        <SharedBundles workspace={workspace} ids={view.bundles} />
        {runs.length === 0 ? (
          <EmptyState />
        ) : (
          <>
            <RunsTable focus={focusRun?.key ?? null} onFocus={onFocus} onLabel={onLabel} />
            <div>
              <PanelTabs panel={view.panel} onPanel={(panel) => update({ panel })} />
              <div
                role="tabpanel"
                id={`tabpanel-${view.panel}`}
                aria-labelledby={`tab-${view.panel}`}
                className="pt-3"
              >
                {view.panel !== "workbench" && panels[view.panel]}
                {/* Kept mounted once opened: a running query, its result and the editor survive a tab switch. */}
                {workbenchOpened && <div hidden={view.panel !== "workbench"}>{panels.workbench}</div>}
              </div>
            </div>
          </>
        )}
      </main>
      <footer className="border-t border-line px-4 py-2">
        <DuckdbStatus />
      </footer>
    </div>
  );
}
