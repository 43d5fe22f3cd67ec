/**
 * The running kernel's scheduler facts, for naming the stalls a trace shows (the rule itself is
 * lib/analysis/stall-mechanism.ts, shared with the host notes).
 */
import { existsSync, readFileSync } from "node:fs";
import { release } from "node:os";
import { gunzipSync } from "node:zlib";
import type { SchedulerFacts } from "../../../lib/analysis/stall-mechanism";

export { kernelVersion, throttleName } from "../../../lib/analysis/stall-mechanism";
export type { SchedulerFacts, ThrottleName } from "../../../lib/analysis/stall-mechanism";

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
