/**
 * What takes the CPU from a runnable RT task for a task of lower priority: which mechanism that is depends
 * on the kernel.
 *
 * - Before Linux 6.12 it is RT throttling: `kernel.sched_rt_runtime_us` of each `sched_rt_period_us`
 *   for RT tasks, the rest for the others.
 * - From 6.12 the deadline **fair server** (dl_server) runs starved normal tasks for 50 ms a second by
 *   default, and RT bandwidth control is gone unless RT group scheduling is in force
 *   ("sched/rt: Remove default bandwidth control"). So with `sched_rt_runtime_us=-1`, or without
 *   RT group scheduling, the stall is the fair server's; with it and a runtime set, RT throttling
 *   comes first (this VM: 6.18, RT_GROUP_SCHED=y: 50 ms once a second at 950000, and 54-112 ms per 5 s
 *   of fair server with -1).
 */
export type ThrottleName =
  | "rt_throttling"
  | "fair_server"
  /** 6.12+ with a runtime set and RT group scheduling unknown: either could have. */
  | "rt_throttling_or_fair_server"
  /** Before 6.12 with RT throttling off, nothing known switches a runnable RT task out for a lower one. */
  | "preempted_while_runnable";

export interface SchedulerFacts {
  /** `uname -r`, e.g. "6.18.44-fc-v669". */
  kernelRelease: string | null;
  /** kernel.sched_rt_runtime_us; -1: RT throttling off. */
  rtRuntimeUs: number | null;
  /** Whether RT group scheduling is in force (the fingerprint's `rt_group_sched`), null when unknown. */
  rtGroupSched: boolean | null;
}

/** The fair server's defaults (kernel/sched/deadline.c): 50 ms of every 1 s for starved normal tasks. */
export const FAIR_SERVER_DEFAULT = { runtimeNs: 50e6, periodNs: 1e9 };

/** The kernel's major.minor, or null when the release does not start with one. */
export function kernelVersion(kernelRelease: string | null): [number, number] | null {
  const m = /^(\d+)\.(\d+)/.exec(kernelRelease ?? "");
  return m ? [Number(m[1]), Number(m[2])] : null;
}

/** Whether this kernel has the fair server (6.12 and later); null when the release is unknown. */
export function hasFairServer(kernelRelease: string | null): boolean | null {
  const version = kernelVersion(kernelRelease);
  if (version === null) return null;
  return version[0] > 6 || (version[0] === 6 && version[1] >= 12);
}

export function throttleName(facts: SchedulerFacts): ThrottleName {
  const rtOff = facts.rtRuntimeUs !== null && facts.rtRuntimeUs < 0;
  if (!hasFairServer(facts.kernelRelease)) return rtOff ? "preempted_while_runnable" : "rt_throttling";
  if (rtOff || facts.rtGroupSched === false) return "fair_server";
  return facts.rtGroupSched ? "rt_throttling" : "rt_throttling_or_fair_server";
}
