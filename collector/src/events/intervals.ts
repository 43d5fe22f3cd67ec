/**
 * Pairs the kernel's entry/exit events into intervals of one kind and name: the one place that
 * decides what each event means (docs/bundle-format.md, "Kernel events").
 *
 * - `irq_vectors:local_timer_*` → `tick`; the IPI vectors (`reschedule`, `call_function*`) and `ipi:ipi_*` →
 *   `ipi`; every other vector and `irq:irq_handler_*` (named by the handler's action) → `irq`;
 *   `irq:softirq_*` → `softirq` (named by the vector: RCU, TIMER, SCHED, …); `nmi:nmi_handler` → `nmi`.
 * - `sched:sched_switch`: another task running on the measured CPU → `thread` (its comm; the idle task is
 *   not an interval); the sampler switched out while runnable for a task of lower priority, which only RT
 *   throttling or (Linux 6.12+) the fair server does → `throttle`, named by which (throttle-name.ts),
 *   until the sampler runs again; `workqueue:workqueue_execute_*` →
 *   `thread`, named `workqueue <function>`, inside its kworker's interval.
 * Intervals may nest (an IRQ inside a tick); an entry whose exit never came (lost, or the run ended) is
 * dropped.
 *
 * Each line's header names the task running on the CPU, and that is what ends an idle spell: some kernels
 * never trace the idle task's own events (seen on a KVM guest's CPU 1: `sched_switch` out of the idle task,
 * and `power:cpu_idle`, are missing; only the interrupts it takes appear). So after a switch to idle, the
 * first line of another task stands for the switch that was not traced. For the sampler that is its
 * `rseq:rseq_update` on the way back to user space, 1-7 µs after the switch where the switch is traced;
 * without it a throttle would run on to the sampler's next traced switch, seconds away.
 */
import type { EventKind } from "../../../lib/format/events-contract";
import { IntervalColumns } from "./interval-columns";
import type { ThrottleName } from "./throttle-name";
import type { TraceLine } from "./trace-lines";

const IPI_VECTORS = new Set(["reschedule", "call_function", "call_function_single"]);

interface Open {
  start: number;
  kind: EventKind;
  name: string;
}

export class IntervalPairer {
  readonly intervals = new IntervalColumns();
  /** Exits without an entry and entries replaced before their exit: a sign of lost events. */
  unpaired = 0;
  /** The trace clock's reading on the last line pushed. */
  lastTs = -Infinity;
  private readonly open = new Map<string, Open>();
  private thread: { pid: number; start: number; name: string } | null = null;
  /** The task on the CPU after the last line: from the switch, or else the line's header. */
  private running: number | null = null;
  /** The sampler's threads, by pid: a header's comm comes from the kernel's cache and may be stale. */
  private readonly samplerPids = new Set<number>();

  /**
   * @param samplerComm the measured threads' comm (the kernel keeps 15 characters)
   * @param countsPerNs the trace clock's counts per nanosecond (x86-tsc: tsc_hz / 1e9; 1 for ns clocks)
   * @param throttleName what takes the CPU from a runnable RT task on this kernel (throttle-name.ts)
   */
  constructor(
    private readonly samplerComm: string,
    private readonly countsPerNs: number,
    private readonly throttleName: ThrottleName = "rt_throttling",
  ) {}

  push(e: TraceLine): void {
    const { event, fields } = e;
    if (e.ts > this.lastTs) this.lastTs = e.ts;
    if (event === "sched_switch") return this.onSwitch(e);
    this.onRunning(e);
    if (event === "nmi_handler") {
      const m = /^(\S+?)(?:\(\))? delta_ns: (\d+)/.exec(fields);
      if (m) this.emit(e.ts - Number(m[2]) * this.countsPerNs, e.ts, "nmi", m[1], e.cpu);
      return;
    }
    if (event === "irq_handler_entry") {
      const m = /irq=(\d+) name=(.*)$/.exec(fields);
      if (m) this.begin(`irq ${m[1]}`, e.ts, "irq", m[2]);
      return;
    }
    if (event === "irq_handler_exit") return this.finish(`irq ${/irq=(\d+)/.exec(fields)?.[1]}`, e);
    if (event === "softirq_entry") {
      const m = /vec=(\d+) \[action=(\w+)\]/.exec(fields);
      if (m) this.begin(`softirq ${m[1]}`, e.ts, "softirq", m[2]);
      return;
    }
    if (event === "softirq_exit") return this.finish(`softirq ${/vec=(\d+)/.exec(fields)?.[1]}`, e);
    if (event === "workqueue_execute_start") {
      const m = /work struct (\S+?):? function (\S+)/.exec(fields);
      if (m) this.begin(`work ${m[1]}`, e.ts, "thread", `workqueue ${m[2]}`);
      return;
    }
    if (event === "workqueue_execute_end") {
      const m = /work struct (\S+?):? function/.exec(fields);
      return this.finish(`work ${m?.[1]}`, e);
    }
    if (event === "ipi_entry" || event === "ipi_exit") {
      const reason = /reason=(.*)$/.exec(fields)?.[1] ?? "ipi";
      return event === "ipi_entry" ? this.begin("ipi", e.ts, "ipi", reason) : this.finish("ipi", e);
    }
    const vector = /^(\w+)_(entry|exit)$/.exec(event);
    if (vector) {
      const name = vector[1];
      const kind: EventKind = name === "local_timer" ? "tick" : IPI_VECTORS.has(name) ? "ipi" : "irq";
      if (vector[2] === "entry") this.begin(`vector ${name}`, e.ts, kind, name);
      else this.finish(`vector ${name}`, e);
    }
  }

  /**
   * The earliest start of an interval still open (entered, not yet exited), leaving out those opened
   * before `staleBefore`; Infinity when none. No interval emitted later starts before it, except an NMI
   * (its start is its handler's duration before its line).
   */
  openFloor(staleBefore = -Infinity): number {
    let floor = Infinity;
    for (const open of this.open.values())
      if (open.start >= staleBefore && open.start < floor) floor = open.start;
    if (this.thread && this.thread.start >= staleBefore && this.thread.start < floor)
      floor = this.thread.start;
    return floor;
  }

  private isSampler(comm: string, pid: number): boolean {
    if (comm === this.samplerComm) this.samplerPids.add(pid);
    return this.samplerPids.has(pid);
  }

  private onSwitch(e: TraceLine): void {
    const m =
      /prev_comm=(.*) prev_pid=(\d+) prev_prio=(\d+) prev_state=(\S+) ==> next_comm=(.*) next_pid=(\d+) next_prio=(\d+)/.exec(
        e.fields,
      );
    if (!m) return;
    const [, prevComm, prevPid, prevPrio, prevState, nextComm, nextPid, nextPrio] = m;
    if (this.thread && this.thread.pid === Number(prevPid)) {
      this.emit(this.thread.start, e.ts, "thread", this.thread.name, e.cpu);
      this.thread = null;
    }
    if (
      this.isSampler(prevComm, Number(prevPid)) &&
      prevState.startsWith("R") &&
      Number(nextPrio) > Number(prevPrio)
    )
      this.begin("throttle", e.ts, "throttle", this.throttleName);
    this.switchedTo(Number(nextPid), nextComm, e);
  }

  /**
   * A line of another task than the one the last switch left running stands for a switch that was not
   * traced: out of idle (see above), and rarely out of a normal task too (seen once in ~10 runs here: a
   * task that took the CPU from a throttled sampler left it with no `sched_switch` line, 0 events lost).
   * A line's header always names the CPU's current task, an interrupt's the task it interrupted.
   */
  private onRunning(e: TraceLine): void {
    if (this.running === null) this.running = e.pid;
    else if (e.pid !== this.running) {
      if (this.thread && this.thread.pid === this.running) {
        this.emit(this.thread.start, e.ts, "thread", this.thread.name, e.cpu);
        this.thread = null;
      }
      this.switchedTo(e.pid, e.comm, e);
    }
  }

  private switchedTo(pid: number, comm: string, e: TraceLine): void {
    this.running = pid;
    if (this.isSampler(comm, pid)) this.finish("throttle", e, false);
    else if (pid !== 0) this.thread = { pid, start: e.ts, name: comm };
  }

  private begin(key: string, ts: number, kind: EventKind, name: string): void {
    if (this.open.has(key)) {
      if (kind === "throttle") return;
      this.unpaired++;
    }
    this.open.set(key, { start: ts, kind, name });
  }

  private finish(key: string, e: TraceLine, countMissing = true): void {
    const open = this.open.get(key);
    if (!open) {
      if (countMissing) this.unpaired++;
      return;
    }
    this.open.delete(key);
    this.emit(open.start, e.ts, open.kind, open.name, e.cpu);
  }

  private emit(start: number, end: number, kind: EventKind, name: string, cpu: number): void {
    this.intervals.push(start, Math.max(start, end), kind, name, cpu);
  }
}
