import type { HostFingerprint } from "../format/manifest";

export interface HostNote {
  topic: "rt-throttling";
  /** A few words for a table cell: "RT throttling on: 50 ms stall every 1 s". */
  short: string;
  /** The whole note: what it does to the run and how to lift it. */
  text: string;
  /** The spike it causes: one stall of `stallNs` every `periodNs`. */
  periodNs: number;
  stallNs: number;
}

/**
 * What a reader must know about the host before trusting a tick run's spikes, from its fingerprint.
 * RT throttling (kernel.sched_rt_runtime_us below its period) takes the CPU from every SCHED_FIFO task
 * for the rest of each period: a stall of (period - runtime) once a period, the kernel's and not the
 * hypervisor's, which hides what the hypervisor does in those milliseconds.
 */
export function hostNoteDetails(host: HostFingerprint | null | undefined): HostNote[] {
  const notes: HostNote[] = [];
  const runtime = host?.sched_rt_runtime_us;
  const period = host?.sched_rt_period_us;
  if (typeof runtime === "number" && typeof period === "number" && runtime >= 0 && runtime < period) {
    const stallMs = (period - runtime) / 1000;
    notes.push({
      topic: "rt-throttling",
      short: `RT throttling on: ${stallMs} ms stall every ${period / 1e6} s`,
      text:
        `RT throttling is on (kernel.sched_rt_runtime_us=${runtime} of ${period}): the kernel takes the CPU ` +
        `from SCHED_FIFO for ${stallMs} ms every ${period / 1e6} s, which shows as a ${stallMs} ms spike ` +
        `each period. To measure the hypervisor instead: sysctl -w kernel.sched_rt_runtime_us=-1 ` +
        `(with the measured CPU isolated, or for short runs).`,
      periodNs: period * 1000,
      stallNs: (period - runtime) * 1000,
    });
  }
  return notes;
}

/** The notes' texts, as the CLI prints them. */
export function hostNotes(host: HostFingerprint | null | undefined): string[] {
  return hostNoteDetails(host).map((note) => note.text);
}

/** Whether a note's stall recurs with this period (within 2%): the note then explains the family. */
export function noteExplainsPeriod(note: HostNote, periodNs: number): boolean {
  return Math.abs(periodNs - note.periodNs) <= 0.02 * note.periodNs;
}
