import type { ExportMeta } from "../charts/options/export";
import type { RunEntry } from "@/lib/workspace/types";
import { runLabel } from "../workspace/run-label";
import { fingerprint } from "../workspace/runs-table";

/** What an exported chart of `runs` says about itself: the view, the runs, their hosts, the unit. */
export function exportMeta(title: string, runs: RunEntry[], unit: string): ExportMeta {
  const hosts = [...new Set(runs.map((run) => fingerprint(run.fields.host)))];
  return { title, run: runs.map(runLabel).join(", "), host: hosts.join(" | "), unit };
}
