"use client";

import type { RunEntry } from "@/lib/workspace/types";
import { Panel } from "../ui/panel";

/** The study's table: environments × tests and scenarios. */
export function ComparisonPanel({ runs }: { runs: RunEntry[] }) {
  const ready = runs.filter((run) => run.state === "ready");
  return (
    <Panel
      title="Comparison"
      testId="panel-comparison"
      state={ready.length ? "ready" : runs.some((r) => r.state === "loading") ? "loading" : "empty"}
      empty="Open several runs to compare them."
    >
      <p className="text-muted">Comparison table: waiting for the analysis library.</p>
    </Panel>
  );
}
