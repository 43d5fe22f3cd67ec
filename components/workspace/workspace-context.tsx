"use client";

import { createContext, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from "react";
import { Workspace, type WorkspaceSnapshot } from "@/lib/workspace/workspace";
import { warmUpCharts } from "../charts/warm-up";

const WorkspaceContext = createContext<Workspace | null>(null);

declare global {
  interface Window {
    /** The page's workspace, for the share and demo loaders and for tests: `tickscope.openSources(...)`. */
    tickscope?: Workspace;
  }
}

export function WorkspaceProvider({ children }: { children: ReactNode }) {
  const [workspace] = useState(() => new Workspace());
  useEffect(() => {
    window.tickscope = workspace;
    // The run worker's code loads, and the charts' code runs once, while the page is idle: not after
    // a file is chosen.
    const prewarm = () => {
      workspace.prewarm();
      warmUpCharts();
    };
    const idle =
      typeof requestIdleCallback === "function"
        ? requestIdleCallback(prewarm, { timeout: 2000 })
        : window.setTimeout(prewarm, 500);
    return () => {
      if (typeof cancelIdleCallback === "function") cancelIdleCallback(idle);
      else window.clearTimeout(idle);
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
