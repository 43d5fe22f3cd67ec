/**
 * Real trace lines (from intervals.test.ts: a KVM guest's CPU 1 and this VM's 6.18 kernel; their text as
 * recorded, their timestamps brought close together) and a stream of them as long as wanted: the block
 * repeated, its timestamps moved on each time (x86-tsc counts), with a varying gap so that
 * batch boundaries fall everywhere. The block holds nested IRQs, softirqs, an IPI, an NMI, a throttle with
 * a task and a work item inside, a throttle whose switch back is not traced, an exit without its entry
 * and an entry never exited.
 */
const BLOCK = ` tickscope-sampl-700     [001] d.h1. 1000: local_timer_entry: vector=236
 tickscope-sampl-700     [001] d.h1. 1100: irq_handler_entry: irq=36 name=virtio1-req.0
 tickscope-sampl-700     [001] d.h1. 1150: irq_handler_exit: irq=36 ret=handled
 tickscope-sampl-700     [001] d.h1. 1300: local_timer_exit: vector=236
 tickscope-sampl-700     [001] ..s1. 1310: softirq_entry: vec=9 [action=RCU]
 tickscope-sampl-700     [001] ..s1. 1400: softirq_exit: vec=9 [action=RCU]
 tickscope-sampl-700     [001] d..2. 2000: sched_switch: prev_comm=tickscope-sampl prev_pid=700 prev_prio=0 prev_state=R ==> next_comm=kworker/1:1 next_pid=44 next_prio=120
    kworker/1:1-44      [001] ..... 2100: workqueue_execute_start: work struct 00000000c684fc0f: function vmstat_update
    kworker/1:1-44      [001] ..... 2400: workqueue_execute_end: work struct 00000000c684fc0f: function vmstat_update
    kworker/1:1-44      [001] d..2. 2500: sched_switch: prev_comm=kworker/1:1 prev_pid=44 prev_prio=120 prev_state=I ==> next_comm=swapper/1 next_pid=0 next_prio=120
      <idle>-0       [001] d.h2. 2600: reschedule_entry: vector=253
      <idle>-0       [001] d.h2. 2610: reschedule_exit: vector=253
      <idle>-0       [001] d..2. 9000: sched_switch: prev_comm=swapper/1 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=tickscope-sampl next_pid=700 next_prio=0
 tickscope-sampl-700     [001] d.Z1. 9500: nmi_handler: perf_event_nmi_handler() delta_ns: 50 handled: 1
 tickscope-sampl-700     [001] d.h1. 9900: local_timer_exit: vector=236
 tickscope-sampl-700     [001] d.h1. 9950: local_timer_entry: vector=236
 tickscope-sampl-700     [001] dNh1. 9980: local_timer_exit: vector=236
 tickscope-sampl-700   [001] d..2. 10000: sched_switch: prev_comm=tickscope-sampl prev_pid=700 prev_prio=0 prev_state=R ==> next_comm=tokio-rt-worker next_pid=75 next_prio=110
 tokio-rt-worker-75      [001] d.h.. 17728: local_timer_entry: vector=236
 tokio-rt-worker-75      [001] d.h.. 17756: local_timer_exit: vector=236
 tickscope-sampl-700   [001] ..... 44448: rseq_update: cpu_id=1 node_id=0 mm_cid=1
 tickscope-sampl-700   [001] d.h.. 48584: local_timer_entry: vector=236
 tickscope-sampl-700   [001] d.h.. 48610: local_timer_exit: vector=236
 tickscope-sampl-700   [001] d..2. 50000: sched_switch: prev_comm=tickscope-sampl prev_pid=700 prev_prio=0 prev_state=R ==> next_comm=memfd:sealed-91 next_pid=14645 next_prio=120
 memfd:sealed-91-14645   [001] d.... 50004: x86_fpu_regs_activated: x86/fpu: 0000000089871b0e load: 1 xfeatures: 2 xcomp_bv: 80000000000200e7
 memfd:sealed-91-14645   [001] d..2. 50041: sched_switch: prev_comm=memfd:sealed-91 prev_pid=14645 prev_prio=120 prev_state=S ==> next_comm=tickscope-sampl next_pid=700 next_prio=0
 tickscope-sampl-700   [001] ..... 50045: rseq_update: cpu_id=1 node_id=0 mm_cid=1
`.split("\n");

const BLOCK_SPAN = 60_000;
const TS = /^(.*\] \S+ )(\d+)(: .*)$/;
const PARTS = BLOCK.filter((l) => l).map((line) => {
  const m = TS.exec(line)!;
  return { head: m[1], ts: Number(m[2]), tail: m[3] };
});

/** Lines in one block. */
export const LINES_PER_BLOCK = PARTS.length;

/** Lines of block `b` (0, 1, …): the same lines, later by b blocks and a gap that varies. */
export function blockLines(b: number): string[] {
  const offset = b * BLOCK_SPAN + ((b * 7919) % 5000);
  return PARTS.map((p) => `${p.head}${p.ts + offset}${p.tail}`);
}

/** The first `blocks` blocks as text. */
export function realTrace(blocks: number): string {
  const out: string[] = [];
  for (let b = 0; b < blocks; b++) out.push(...blockLines(b));
  return out.join("\n") + "\n";
}
