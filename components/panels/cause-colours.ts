import type { CauseKind } from "@/lib/analysis/attribution";

/** One colour per cause kind, wherever causes are drawn (the events track, the attribution bars). */
export const CAUSE_COLOURS: Record<CauseKind, string> = {
  tick: "#4e79a7",
  irq: "#f28e2b",
  softirq: "#edc948",
  ipi: "#b07aa1",
  nmi: "#ff9da7",
  thread: "#59a14f",
  throttle: "#e15759",
  unexplained: "#9c9c9c",
};
