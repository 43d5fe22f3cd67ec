import type { HostFingerprint } from "../format/manifest";
import { FAIR_SERVER_DEFAULT, throttleName } from "./stall-mechanism";

export interface HostNote {
  topic: "rt-throttling" | "fair-server" | "rt-throttling-or-fair-server";
  /** A few words for a table cell: "RT throttling on: 50 ms stall every 1 s". */
  short: string;
  /** The whole note: what it does to the run and how to lift it. */
  text: string;
  /** The spike it causes: one stall of (up to) `stallNs` every `periodNs`. */
  periodNs: number;
  stallNs: number;
}

/**
 * What a reader must know about the host before trusting a tick run's spikes, from its fingerprint: the
 * kernel's own stall of SCHED_FIFO tasks, once a period, which hides what the hypervisor does in those
 * milliseconds. Which mechanism makes it depends on the kernel (lib/analysis/stall-mechanism.ts): RT
 * throttling (kernel.sched_rt_runtime_us below its period), or from Linux 6.12 without RT group
 * scheduling the fair server.
 */
export function hostNoteDetails(host: HostFingerprint | null | undefined): HostNote[] {
  const runtime = typeof host?.sched_rt_runtime_us === "number" ? host.sched_rt_runtime_us : null;
  const period = typeof host?.sched_rt_period_us === "number" ? host.sched_rt_period_us : null;
  const mechanism = throttleName({
    kernelRelease: typeof host?.kernel === "string" ? host.kernel : null,
    rtRuntimeUs: runtime,
    rtGroupSched: typeof host?.rt_group_sched === "boolean" ? host.rt_group_sched : null,
  });
  if (mechanism === "fair_server") return [fairServerNote(runtime)];
  const throttling = runtime !== null && period !== null && runtime >= 0 && runtime < period;
  if (!throttling) return [];
  if (mechanism === "rt_throttling") return [rtThrottlingNote(runtime, period)];
  if (mechanism === "rt_throttling_or_fair_server") return [eitherNote(runtime, period)];
  return [];
}

function rtThrottlingNote(runtime: number, period: number): HostNote {
  const stallMs = (period - runtime) / 1000;
  return {
    topic: "rt-throttling",
    short: `RT throttling on: ${stallMs} ms stall every ${period / 1e6} s`,
    text:
      `RT throttling is on (kernel.sched_rt_runtime_us=${runtime} of ${period}): the kernel takes the CPU ` +
      `from SCHED_FIFO for ${stallMs} ms every ${period / 1e6} s, which shows as a ${stallMs} ms spike ` +
      `each period. To measure the hypervisor instead: sysctl -w kernel.sched_rt_runtime_us=-1 ` +
      `(with the measured CPU isolated, or for short runs).`,
    periodNs: period * 1000,
    stallNs: (period - runtime) * 1000,
  };
}

const FAIR_MS = FAIR_SERVER_DEFAULT.runtimeNs / 1e6;
const FAIR_S = FAIR_SERVER_DEFAULT.periodNs / 1e9;

function fairServerNote(runtime: number | null): HostNote {
  const why =
    runtime !== null && runtime < 0
      ? "RT throttling is off (kernel.sched_rt_runtime_us=-1), but on Linux 6.12 and later"
      : "On Linux 6.12 and later without RT group scheduling";
  return {
    topic: "fair-server",
    short: `fair server: up to ${FAIR_MS} ms stall every ${FAIR_S} s`,
    text:
      `${why} the kernel's fair server runs starved normal tasks for up to ${FAIR_MS} ms of every ${FAIR_S} s ` +
      `(its default) on the measured CPU: a spike of up to ${FAIR_MS} ms once a second whenever another task ` +
      `is runnable there, the kernel's and not the hypervisor's. kernel.sched_rt_runtime_us does not lift it. ` +
      `To measure the hypervisor instead: keep other tasks off the measured CPU (isolcpus, cpusets), or ` +
      `lower the runtime in /sys/kernel/debug/sched/fair_server/cpu<N>/runtime.`,
    periodNs: FAIR_SERVER_DEFAULT.periodNs,
    stallNs: FAIR_SERVER_DEFAULT.runtimeNs,
  };
}

function eitherNote(runtime: number, period: number): HostNote {
  const stallMs = (period - runtime) / 1000;
  const same = stallMs === FAIR_MS && period / 1e6 === FAIR_S;
  return {
    topic: "rt-throttling-or-fair-server",
    short: same
      ? `RT throttling or fair server: ${stallMs} ms stall every ${period / 1e6} s`
      : `RT throttling (${stallMs} ms every ${period / 1e6} s) or fair server (up to ${FAIR_MS} ms every ${FAIR_S} s)`,
    text:
      `The kernel stalls SCHED_FIFO tasks here: with RT group scheduling, RT throttling ` +
      `(kernel.sched_rt_runtime_us=${runtime} of ${period}) takes the CPU for ${stallMs} ms every ` +
      `${period / 1e6} s; without it (Linux 6.12 and later) the fair server takes up to ${FAIR_MS} ms of ` +
      `every ${FAIR_S} s when another task is runnable. This fingerprint does not say which kernel build it ` +
      `was (it predates the rt_group_sched field). To measure the hypervisor instead: ` +
      `sysctl -w kernel.sched_rt_runtime_us=-1 and keep other tasks off the measured CPU.`,
    periodNs: period * 1000,
    stallNs: (period - runtime) * 1000,
  };
}

/** The notes' texts, as the CLI prints them. */
export function hostNotes(host: HostFingerprint | null | undefined): string[] {
  return hostNoteDetails(host).map((note) => note.text);
}

/** Whether a note's stall recurs with this period (within 2%): the note then explains the family. */
export function noteExplainsPeriod(note: HostNote, periodNs: number): boolean {
  return Math.abs(periodNs - note.periodNs) <= 0.02 * note.periodNs;
}
