/**
 * The running kernel's scheduler facts, for naming the stalls a trace shows (the rule itself is
 * lib/analysis/stall-mechanism.ts, shared with the host notes).
 */
import { readFileSync } from "node:fs";
import { release } from "node:os";
import type { SchedulerFacts } from "../../../lib/analysis/stall-mechanism";

export { kernelVersion, throttleName } from "../../../lib/analysis/stall-mechanism";
export type { SchedulerFacts, ThrottleName } from "../../../lib/analysis/stall-mechanism";

/**
 * The running kernel's facts, read when recording starts (the sysctl may differ from the fingerprint's);
 * whether RT group scheduling is in force is fixed at boot, so it comes from the fingerprint
 * (`rt_group_sched`, read by the native sampler from the kernel's config and command line).
 */
export function readSchedulerFacts(rtGroupSched: boolean | null): SchedulerFacts {
  let runtime: string | null;
  try {
    runtime = readFileSync("/proc/sys/kernel/sched_rt_runtime_us", "utf8");
  } catch {
    runtime = null;
  }
  return {
    kernelRelease: release(),
    rtRuntimeUs: runtime === null || !/^-?\d+\s*$/.test(runtime) ? null : Number(runtime),
    rtGroupSched,
  };
}
