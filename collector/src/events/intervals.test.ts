import { describe, expect, it } from "vitest";
import { IntervalPairer } from "./intervals";
import { LineSplitter, parseTraceLine, type TraceLine } from "./trace-lines";
import {
  keepReading,
  parseSteal,
  StealSeconds,
  stealPerSecond,
  type StealReading,
  type StealSecond,
} from "./steal";
import { throttleName, type ThrottleName } from "./throttle-name";
import { cpuMask } from "./tracefs";

const SAMPLER = "tickscope-sampl";

/** Lines in the kernel's own text format (as read from a KVM guest's per_cpu/cpu1/trace_pipe). */
const TRACE = `# tracer: nop
 tickscope-sampl-700     [001] d.h1. 1000: local_timer_entry: vector=236
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
CPU:1 [LOST 3 EVENTS]
 tickscope-sampl-700     [001] d.h1. 9900: local_timer_exit: vector=236
 tickscope-sampl-700     [001] d.h1. 9950: local_timer_entry: vector=236
`;

function pair(
  text: string,
  countsPerNs = 2,
  throttle?: ThrottleName,
): { pairer: IntervalPairer; lost: number } {
  const pairer = new IntervalPairer(SAMPLER, countsPerNs, throttle);
  let lost = 0;
  const splitter = new LineSplitter();
  const onLine = (line: string) => {
    const parsed = parseTraceLine(line);
    if (parsed && "lost" in parsed) lost += parsed.lost;
    else if (parsed) pairer.push(parsed);
  };
  // Odd-sized chunks: lines cut anywhere are joined again.
  for (let at = 0; at < text.length; at += 37) splitter.push(text.slice(at, at + 37), onLine);
  splitter.flush(onLine);
  return { pairer, lost };
}

describe("parseTraceLine", () => {
  it("reads comm (with dashes and spaces), pid, CPU, a counter or seconds.micros timestamp, event and fields", () => {
    expect(
      parseTraceLine(" Chrome_ChildIOT-5297    [001] d.h.. 10067725897419: irq_handler_entry: irq=36 name=x"),
    ).toEqual({
      comm: "Chrome_ChildIOT",
      pid: 5297,
      cpu: 1,
      ts: 10067725897419,
      event: "irq_handler_entry",
      fields: "irq=36 name=x",
    } satisfies TraceLine);
    expect(
      parseTraceLine(
        "  kworker/u4:2-my job-12  [000] ..... 4474.123456: softirq_entry: vec=1 [action=TIMER]",
      ),
    ).toMatchObject({
      comm: "kworker/u4:2-my job",
      pid: 12,
      cpu: 0,
      ts: 4474_123_456_000,
    });
    expect(parseTraceLine("# tracer: nop")).toBeNull();
    expect(parseTraceLine("CPU:1 [LOST 12 EVENTS]")).toEqual({ lost: 12 });
  });
});

describe("IntervalPairer", () => {
  it("pairs entries and exits by kind and name, nested ones included, and recognises RT throttling", () => {
    const { pairer, lost } = pair(TRACE);
    const got = pairer.intervals.sorted().map((i) => [i.start, i.end, i.kind, i.name]);
    expect(got).toEqual([
      [1000, 1300, "tick", "local_timer"],
      [1100, 1150, "irq", "virtio1-req.0"],
      [1310, 1400, "softirq", "RCU"],
      [2000, 9000, "throttle", "rt_throttling"],
      [2000, 2500, "thread", "kworker/1:1"],
      [2100, 2400, "thread", "workqueue vmstat_update"],
      [2600, 2610, "ipi", "reschedule"],
      [9400, 9500, "nmi", "perf_event_nmi_handler"], // 50 ns at 2 counts a ns
    ]);
    expect(lost).toBe(3);
    // The exit at 9900 had no entry (lost); the entry at 9950 never closed: neither becomes an interval.
    expect(pairer.unpaired).toBe(1);
  });

  it("a sampler switched out for a task of its own priority (switch test's yield) is not throttling", () => {
    const { pairer } = pair(
      ` tickscope-sampl-700 [001] d..2. 100: sched_switch: prev_comm=tickscope-sampl prev_pid=700 prev_prio=0 prev_state=R ==> next_comm=tickscope-sampl next_pid=701 next_prio=0
 tickscope-sampl-701 [001] d..2. 200: sched_switch: prev_comm=tickscope-sampl prev_pid=701 prev_prio=0 prev_state=R+ ==> next_comm=migration/1 next_pid=20 next_prio=0
 migration/1-20 [001] d..2. 260: sched_switch: prev_comm=migration/1 prev_pid=20 prev_prio=0 prev_state=S ==> next_comm=tickscope-sampl next_pid=701 next_prio=0
`,
    );
    expect(pairer.intervals.sorted().map((i) => [i.start, i.end, i.kind, i.name])).toEqual([
      [200, 260, "thread", "migration/1"],
    ]);
  });

  it("ends a throttle at the sampler's first line when the switch out of idle is not traced (real lines, KVM guest CPU 1)", () => {
    // RT throttling took the sampler off at ...904820; another task ran and slept, and the sampler came
    // back: neither switch out of the idle task is in the trace (this kernel never traces the idle task's
    // own events), only the lines of the tasks that ran. Before, the throttle stayed open until the
    // sampler's next traced switch, seconds later.
    const { pairer } = pair(
      ` tickscope-sampl-27165   [001] d..2. 30506537736768: sched_switch: prev_comm=tickscope-sampl prev_pid=27165 prev_prio=0 prev_state=R ==> next_comm=kworker/1:1 next_pid=25696 next_prio=120
     kworker/1:1-25696   [001] d..2. 30506537851866: sched_switch: prev_comm=kworker/1:1 prev_pid=25696 prev_prio=120 prev_state=I ==> next_comm=tickscope-sampl next_pid=27165 next_prio=0
 tickscope-sampl-27165   [001] ..... 30506537855594: rseq_update: cpu_id=1 node_id=0 mm_cid=1
 tickscope-sampl-27165   [001] d.h.. 30506546872208: local_timer_entry: vector=236
 tickscope-sampl-27165   [001] dNh.. 30506546896272: local_timer_exit: vector=236
 tickscope-sampl-27165   [001] d..2. 30506546904820: sched_switch: prev_comm=tickscope-sampl prev_pid=27165 prev_prio=0 prev_state=R ==> next_comm=swapper/1 next_pid=0 next_prio=120
          <idle>-0       [001] d.h1. 30506552055592: call_function_single_entry: vector=251
          <idle>-0       [001] dNh1. 30506552089062: call_function_single_exit: vector=251
 memfd:sealed-91-14645   [001] d.... 30506552131962: x86_fpu_regs_activated: x86/fpu: 0000000089871b0e load: 1 xfeatures: 2 xcomp_bv: 80000000000200e7
 memfd:sealed-91-14645   [001] d..2. 30506552212590: sched_switch: prev_comm=memfd:sealed-91 prev_pid=14645 prev_prio=120 prev_state=S ==> next_comm=swapper/1 next_pid=0 next_prio=120
          <idle>-0       [001] dnh1. 30506556411134: reschedule_entry: vector=253
          <idle>-0       [001] dNh1. 30506556412326: reschedule_exit: vector=253
 tickscope-sampl-27165   [001] ..... 30506556443212: rseq_update: cpu_id=1 node_id=0 mm_cid=1
 tickscope-sampl-27165   [001] d.... 30506556443720: x86_fpu_regs_activated: x86/fpu: 00000000c94c6ad4 load: 1 xfeatures: a2 xcomp_bv: 80000000000200e7
 tickscope-sampl-27165   [001] d.h.. 30506557277058: local_timer_entry: vector=236
 tickscope-sampl-27165   [001] d.h.. 30506557299314: local_timer_exit: vector=236
 tickscope-sampl-27165   [001] d..2. 30506682396890: sched_switch: prev_comm=tickscope-sampl prev_pid=27165 prev_prio=0 prev_state=R ==> next_comm=memfd:sealed-91 next_pid=14645 next_prio=120
 memfd:sealed-91-14645   [001] d.... 30506682401638: x86_fpu_regs_activated: x86/fpu: 0000000089871b0e load: 1 xfeatures: 2 xcomp_bv: 80000000000200e7
 memfd:sealed-91-14645   [001] d..2. 30506682438714: sched_switch: prev_comm=memfd:sealed-91 prev_pid=14645 prev_prio=120 prev_state=S ==> next_comm=tickscope-sampl next_pid=27165 next_prio=0
 tickscope-sampl-27165   [001] ..... 30506682442794: rseq_update: cpu_id=1 node_id=0 mm_cid=1
`,
    );
    expect(pairer.intervals.sorted().map((i) => [i.start, i.end, i.kind, i.name])).toEqual([
      [30506537736768, 30506537851866, "thread", "kworker/1:1"],
      [30506537736768, 30506537851866, "throttle", "rt_throttling"],
      [30506546872208, 30506546896272, "tick", "local_timer"],
      [30506546904820, 30506556443212, "throttle", "rt_throttling"],
      [30506552055592, 30506552089062, "ipi", "call_function_single"],
      [30506552131962, 30506552212590, "thread", "memfd:sealed-91"],
      [30506556411134, 30506556412326, "ipi", "reschedule"],
      [30506557277058, 30506557299314, "tick", "local_timer"],
      [30506682396890, 30506682438714, "thread", "memfd:sealed-91"],
      [30506682396890, 30506682438714, "throttle", "rt_throttling"],
    ]);
    expect(pairer.unpaired).toBe(0);
  });
  it("ends a throttle, and the task that ran in it, at the sampler's first line when the switch back from a normal task is not traced (real lines)", () => {
    // From a 5 s run here: the switch from tokio-rt-worker back to the sampler is missing (0 events lost).
    // Before, the throttle ran on to the sampler's next traced switch, 963 ms later, past the sample it
    // interrupted (events-real: "throttle intervals outside the sample they interrupted").
    const { pairer } = pair(
      ` tickscope-sampl-24815   [001] d.h.. 91236921618656: local_timer_entry: vector=236
 tickscope-sampl-24815   [001] dNh.. 91236921645562: local_timer_exit: vector=236
 tickscope-sampl-24815   [001] d..2. 91236921649054: sched_switch: prev_comm=tickscope-sampl prev_pid=24815 prev_prio=0 prev_state=R ==> next_comm=tokio-rt-worker next_pid=75 next_prio=110
 tokio-rt-worker-75      [001] d.h.. 91236929377488: local_timer_entry: vector=236
 tokio-rt-worker-75      [001] d.h.. 91236929405648: local_timer_exit: vector=236
 tokio-rt-worker-75      [001] d.h1. 91236955886970: local_timer_entry: vector=236
 tokio-rt-worker-75      [001] dNh1. 91236955932524: local_timer_exit: vector=236
 tickscope-sampl-24815   [001] ..... 91236956097822: rseq_update: cpu_id=1 node_id=0 mm_cid=1
 tickscope-sampl-24815   [001] d.h.. 91236960233312: local_timer_entry: vector=236
 tickscope-sampl-24815   [001] d.h.. 91236960259326: local_timer_exit: vector=236
 tickscope-sampl-24815   [001] d..2. 91239426161576: sched_switch: prev_comm=tickscope-sampl prev_pid=24815 prev_prio=0 prev_state=R ==> next_comm=kworker/1:0 next_pid=7542 next_prio=120
     kworker/1:0-7542    [001] d..2. 91239426235138: sched_switch: prev_comm=kworker/1:0 prev_pid=7542 prev_prio=120 prev_state=I ==> next_comm=tickscope-sampl next_pid=24815 next_prio=0
`,
    );
    expect(pairer.intervals.sorted().map((i) => [i.start, i.end, i.kind, i.name])).toEqual([
      [91236921618656, 91236921645562, "tick", "local_timer"],
      [91236921649054, 91236956097822, "thread", "tokio-rt-worker"],
      [91236921649054, 91236956097822, "throttle", "rt_throttling"],
      [91236929377488, 91236929405648, "tick", "local_timer"],
      [91236955886970, 91236955932524, "tick", "local_timer"],
      [91236960233312, 91236960259326, "tick", "local_timer"],
      [91239426161576, 91239426235138, "thread", "kworker/1:0"],
      [91239426161576, 91239426235138, "throttle", "rt_throttling"],
    ]);
    expect(pairer.unpaired).toBe(0);
  });
});

describe("the stall's name", () => {
  // This VM's lines (6.18, CONFIG_RT_GROUP_SCHED=y) with kernel.sched_rt_runtime_us=-1: the sampler is still
  // switched out while runnable for a normal task (prio 120), which only the fair server does there.
  const lines = ` tickscope-sampl-700 [001] d..2. 1000: sched_switch: prev_comm=tickscope-sampl prev_pid=700 prev_prio=0 prev_state=R ==> next_comm=kworker/1:1 next_pid=44 next_prio=120
 kworker/1:1-44 [001] d..2. 51000: sched_switch: prev_comm=kworker/1:1 prev_pid=44 prev_prio=120 prev_state=I ==> next_comm=tickscope-sampl next_pid=700 next_prio=0
`;
  const stalls = (rtRuntimeUs: number) =>
    pair(lines, 1, throttleName({ kernelRelease: "6.18.44-fc-v669", rtRuntimeUs, rtGroupSched: true }))
      .pairer.intervals.sorted()
      .filter((i) => i.kind === "throttle")
      .map((i) => [i.start, i.end, i.name]);

  it("is fair_server, not rt_throttling, on Linux 6.12+ with sched_rt_runtime_us=-1", () => {
    expect(stalls(-1)).toEqual([[1000, 51000, "fair_server"]]);
  });

  it("is rt_throttling on the same kernel with the runtime set (RT_GROUP_SCHED keeps RT throttling)", () => {
    expect(stalls(950000)).toEqual([[1000, 51000, "rt_throttling"]]);
  });
});

describe("steal", () => {
  it("reads the steal field of the CPU's /proc/stat line, in USER_HZ ticks", () => {
    const stat =
      "cpu  1 2 3 4 5 6 7 8 0 0\ncpu0 1 1 1 1 1 1 1 3 0 0\ncpu1 299185 13183 50406 50319 796 0 1072 509 0 0\n";
    expect(parseSteal(stat, 1)).toBe(5_090_000_000);
    expect(parseSteal(stat, 0)).toBe(30_000_000);
    expect(parseSteal(stat, 7)).toBeNull();
  });

  it("gives each second of the run the steal between its boundaries, from the readings at or before them", () => {
    const origin = 10e9;
    const readings = [
      { monoNs: origin - 0.05e9, stealNs: 100e6 },
      { monoNs: origin + 0.5e9, stealNs: 100e6 },
      { monoNs: origin + 0.95e9, stealNs: 130e6 },
      { monoNs: origin + 1.4e9, stealNs: 150e6 },
      { monoNs: origin + 2.0e9, stealNs: 150e6 },
      { monoNs: origin + 2.3e9, stealNs: 160e6 },
    ];
    expect(stealPerSecond(readings, origin)).toEqual([
      { second: 0, stealNs: 30e6 },
      { second: 1, stealNs: 20e6 },
      { second: 2, stealNs: 10e6 },
    ]);
    expect(stealPerSecond(readings.slice(1), origin)).toEqual([]); // no reading before the run began
  });

  it("keeps few readings where the count repeats, and the same steal per second as keeping them all", () => {
    const origin = 10e9;
    // Ten readings a second for 100 s; the count moves in 10 ms ticks now and then.
    const all = Array.from({ length: 1000 }, (_, i) => ({
      monoNs: origin - 0.05e9 + i * 0.1e9,
      stealNs: Math.floor(i / 97) * 10e6,
    }));
    const kept: typeof all = [];
    for (const r of all) keepReading(kept, r);
    expect(kept.length).toBeLessThan(40);
    expect(kept[kept.length - 1]).toBe(all[all.length - 1]);
    expect(stealPerSecond(kept, origin)).toEqual(stealPerSecond(all, origin));
    expect(stealPerSecond(all, origin)).toHaveLength(100);
  });

  it("gives the same rows as the readings come, the origin told at any point, holding a few readings", () => {
    // A day-like stream: readings every ~100 ms, the count moving most of the time (a stealing host).
    let seed = 5;
    const random = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const origin = 50e9 + 0.37e9;
    const readings: StealReading[] = [];
    let at = 50e9;
    let count = 1e9;
    for (let i = 0; i < 6000; i++) {
      readings.push({ monoNs: at, stealNs: count });
      at += 0.08e9 + random() * 0.05e9;
      if (random() < 0.8) count += Math.floor(random() * 4) * 10e6;
    }
    const whole = stealPerSecond(readings, origin);
    expect(whole.length).toBeGreaterThan(600);
    for (const toldAfter of [1, 5, 40, 3000]) {
      const seconds = new StealSeconds();
      const rows: StealSecond[] = [];
      let most = 0;
      readings.forEach((reading, i) => {
        rows.push(...seconds.add(reading));
        if (i + 1 === toldAfter) rows.push(...seconds.setOrigin(origin));
        if (i > toldAfter + 20) most = Math.max(most, seconds.held);
      });
      rows.push(...seconds.end());
      expect(rows).toEqual(whole);
      if (toldAfter < 3000) expect(most).toBeLessThanOrEqual(13);
    }
  });
});

describe("cpuMask", () => {
  it("writes tracing_cpumask as 32-bit hex words, most significant first", () => {
    expect(cpuMask(1)).toBe("00000002");
    expect(cpuMask(31)).toBe("80000000");
    expect(cpuMask(33)).toBe("00000002,00000000");
  });
});
