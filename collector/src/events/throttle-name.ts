/**
 * What took the CPU from the RT sampler when the trace shows it switched out while runnable for a task
 * of lower priority: which mechanism that is depends on the kernel.
 *
 * - Before Linux 6.12 it is RT throttling: `kernel.sched_rt_runtime_us` of each `sched_rt_period_us`
 *   for RT tasks, the rest for the others.
 * - From 6.12 the deadline **fair server** (dl_server) runs starved normal tasks for 50 ms a second by
 *   default, and RT bandwidth control is gone unless the kernel is built with CONFIG_RT_GROUP_SCHED
 *   ("sched/rt: Remove default bandwidth control"). So with `sched_rt_runtime_us=-1`, or without
 *   RT_GROUP_SCHED, the stall is the fair server's; with RT_GROUP_SCHED and a runtime set, RT throttling
 *   comes first (this VM: 6.18, RT_GROUP_SCHED=y: 50 ms once a second at 950000, and 54-112 ms per 5 s
 *   of fair server with -1).
 */
import { existsSync, readFileSync } from "node:fs";
import { release } from "node:os";
import { gunzipSync } from "node:zlib";

export type ThrottleName =
  | "rt_throttling"
  | "fair_server"
  /** 6.12+ with a runtime set and the kernel's config unreadable: either could have. */
  | "rt_throttling_or_fair_server"
  /** Before 6.12 with RT throttling off, nothing known switches a runnable RT task out for a lower one. */
  | "preempted_while_runnable";

export interface SchedulerFacts {
  /** `uname -r`, e.g. "6.18.44-fc-v669". */
  kernelRelease: string | null;
  /** kernel.sched_rt_runtime_us; -1: RT throttling off. */
  rtRuntimeUs: number | null;
  /** CONFIG_RT_GROUP_SCHED, or null when the kernel's config could not be read. */
  rtGroupSched: boolean | null;
}

/** The kernel's major.minor, or null when the release does not start with one. */
export function kernelVersion(kernelRelease: string | null): [number, number] | null {
  const m = /^(\d+)\.(\d+)/.exec(kernelRelease ?? "");
  return m ? [Number(m[1]), Number(m[2])] : null;
}

export function throttleName(facts: SchedulerFacts): ThrottleName {
  const version = kernelVersion(facts.kernelRelease);
  const rtOff = facts.rtRuntimeUs !== null && facts.rtRuntimeUs < 0;
  const fairServer = version !== null && (version[0] > 6 || (version[0] === 6 && version[1] >= 12));
  if (!fairServer) return rtOff ? "preempted_while_runnable" : "rt_throttling";
  if (rtOff || facts.rtGroupSched === false) return "fair_server";
  return facts.rtGroupSched ? "rt_throttling" : "rt_throttling_or_fair_server";
}

/** The running kernel's facts, read when recording starts (the sysctl may differ from the fingerprint's). */
export function readSchedulerFacts(): SchedulerFacts {
  const runtime = readText("/proc/sys/kernel/sched_rt_runtime_us");
  const kernelRelease = release();
  return {
    kernelRelease,
    rtRuntimeUs: runtime === null || !/^-?\d+\s*$/.test(runtime) ? null : Number(runtime),
    rtGroupSched: configOption(readKernelConfig(kernelRelease), "CONFIG_RT_GROUP_SCHED"),
  };
}

/** A `y` option of a kernel config text: true, false when absent or unset, null without the text. */
export function configOption(config: string | null, option: string): boolean | null {
  if (config === null) return null;
  return new RegExp(`^${option}=y$`, "m").test(config);
}

function readKernelConfig(kernelRelease: string): string | null {
  try {
    if (existsSync("/proc/config.gz")) return gunzipSync(readFileSync("/proc/config.gz")).toString("utf8");
  } catch {
    // fall through to /boot
  }
  return readText(`/boot/config-${kernelRelease}`);
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}
