"use client";

import { createContext, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from "react";
import { EarlyWorker } from "@/lib/workspace/early-worker";
import { defaultWorkerFactory, Workspace, type WorkspaceSnapshot } from "@/lib/workspace/workspace";
import { warmUpCharts } from "../charts/warm-up";
import { idleAfter, whenIdle, whenQuietUnlessOpening } from "./deferred-start";

const WorkspaceContext = createContext<Workspace | null>(null);

/** The run worker, started as this code loads in the browser (before hydration), for the page's workspace. */
const earlyWorker = new EarlyWorker(defaultWorkerFactory);
if (typeof window !== "undefined") earlyWorker.start();

/** How long a fresh page with no run waits, once drawn, before warming up the charts (as DuckDB's first start). */
const CHARTS_WARM_UP_QUIET_MS = 1000;

declare global {
  interface Window {
    /** The page's workspace, for the share and demo loaders and for tests: `tickscope.openSources(...)`. */
    tickscope?: Workspace;
  }
}

export function WorkspaceProvider({ children }: { children: ReactNode }) {
  const [workspace] = useState(() => new Workspace(earlyWorker.factoryOrEarly));
  useEffect(() => {
    window.tickscope = workspace;
    // The workspace takes the run worker started as the page loaded (a new one after a remount).
    workspace.prewarm();
    // The charts' code runs once on a quiet page, not in the way of a file chosen as it opens.
    const stopWarmUp = whenQuietUnlessOpening(
      workspace,
      idleAfter(CHARTS_WARM_UP_QUIET_MS, whenIdle),
      warmUpCharts,
    );
    return () => {
      stopWarmUp();
      workspace.dispose();
      if (window.tickscope === workspace) delete window.tickscope;
    };
  }, [workspace]);
  return <WorkspaceContext.Provider value={workspace}>{children}</WorkspaceContext.Provider>;
}

export function useWorkspace(): Workspace {
  const workspace = useContext(WorkspaceContext);
  if (!workspace) throw new Error("useWorkspace outside WorkspaceProvider");
  return workspace;
}

const EMPTY: WorkspaceSnapshot = { runs: [] };

export function useRuns(): WorkspaceSnapshot["runs"] {
  const workspace = useWorkspace();
  return useSyncExternalStore(workspace.subscribe, workspace.getSnapshot, () => EMPTY).runs;
}
