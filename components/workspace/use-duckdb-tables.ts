"use client";

import { useEffect, useSyncExternalStore } from "react";
import {
  loadRunTables,
  startTables,
  subscribeTables,
  tablesStatus,
  unloadRunTables,
} from "@/lib/db/page-tables";
import { tabEngineLikelyKept } from "@/lib/db/tab-engine";
import { tableSummary } from "@/lib/workspace/digest";
import type { RunEntry } from "@/lib/workspace/types";
import { idleAfter, settledQueue, startWhenSettled, whenIdle } from "./deferred-start";
import { runLabel } from "./run-label";
import { useWorkspace } from "./workspace-context";

function identity(run: RunEntry) {
  return {
    runId: run.key,
    bundle: run.source,
    label: runLabel(run),
    fields: run.fields,
    hz: run.fields.host?.hz ?? null,
  };
}

/**
 * How long a fresh page waits, once drawn, before compiling DuckDB while no run has been chosen: a file
 * chosen as the page opens then meets no compile beside its first overview (2 cores here).
 */
const FIRST_START_QUIET_MS = 1000;

/**
 * Starts DuckDB once the page is idle and no run is opening (startWhenSettled; before any run, a second
 * after the page is drawn), or at once when the tab's engine is most likely kept from its last page
 * (nothing to compile).
 */
function useDeferredStart(workspace: ReturnType<typeof useWorkspace>): void {
  useEffect(() => {
    const start = () => void startTables().catch(() => undefined);
    if (!tabEngineLikelyKept())
      return startWhenSettled(workspace, whenIdle, start, idleAfter(FIRST_START_QUIET_MS, whenIdle));
    start();
  }, [workspace]);
}

/**
 * Keeps the page's DuckDB tables in step with the open runs: DuckDB starts once the page is idle and
 * no run is opening; each run's rows go in once its summary is ready (or a load_errors row once it
 * failed) and its overview has been drawn (settledQueue: the page idle, no run opening), and out when it
 * closes.
 */
export function useDuckdbTables(): void {
  const workspace = useWorkspace();
  useDeferredStart(workspace);
  useEffect(() => {
    const loaded = new Map<string, RunEntry["digest"] | string>();
    const settled = settledQueue(workspace, whenIdle);
    const sync = () => {
      const runs = workspace.getSnapshot().runs;
      for (const run of runs) {
        if (run.state === "ready" && run.digest && loaded.get(run.key) !== run.digest) {
          loaded.set(run.key, run.digest);
          const { digest } = run;
          settled.add(() => {
            const summary = tableSummary(digest);
            void loadRunTables(identity(run), summary, summary ? undefined : "no summary").catch(
              () => undefined,
            );
          });
        } else if (run.state === "error" && run.error && loaded.get(run.key) !== run.error.message) {
          loaded.set(run.key, run.error.message);
          const { message } = run.error;
          settled.add(() => void loadRunTables(identity(run), null, message).catch(() => undefined));
        }
      }
      for (const key of [...loaded.keys()])
        if (!runs.some((run) => run.key === key)) {
          loaded.delete(key);
          // Through the same queue, so that it follows a load still held there.
          settled.add(() => void unloadRunTables(key).catch(() => undefined));
        }
    };
    sync();
    const unsubscribe = workspace.subscribe(sync);
    return () => {
      unsubscribe();
      settled.stop();
    };
  }, [workspace]);
}

/** The tables' status, for the footer and the views fed by SQL. */
export function useTablesStatus() {
  return useSyncExternalStore(subscribeTables, tablesStatus, tablesStatus);
}
