import type { HostFingerprint } from "../format/manifest";

/**
 * What a reader must know about the host before trusting a tick run's spikes, from its fingerprint.
 * RT throttling (kernel.sched_rt_runtime_us below its period) takes the CPU from every SCHED_FIFO task
 * for the rest of each period: a stall of (period - runtime) once a period, the kernel's and not the
 * hypervisor's, which hides what the hypervisor does in those milliseconds.
 */
export function hostNotes(host: HostFingerprint | null | undefined): string[] {
  const notes: string[] = [];
  const runtime = host?.sched_rt_runtime_us;
  const period = host?.sched_rt_period_us;
  if (typeof runtime === "number" && typeof period === "number" && runtime >= 0 && runtime < period) {
    const stallMs = (period - runtime) / 1000;
    notes.push(
      `RT throttling is on (kernel.sched_rt_runtime_us=${runtime} of ${period}): the kernel takes the CPU ` +
        `from SCHED_FIFO for ${stallMs} ms every ${period / 1e6} s, which shows as a ${stallMs} ms spike ` +
        `each period. To measure the hypervisor instead: sysctl -w kernel.sched_rt_runtime_us=-1 ` +
        `(with the measured CPU isolated, or for short runs).`,
    );
  }
  return notes;
}
