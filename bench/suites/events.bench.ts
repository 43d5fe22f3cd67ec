import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { tableFromIPC } from "apache-arrow";
import { COLUMN } from "../../lib/format/contract";
import { readEvents } from "../../lib/format/events-reader";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { EventKind } from "../../lib/format/events-contract";
import { IntervalColumns } from "../../collector/src/events/interval-columns";
import { EventRecorder } from "../../collector/src/events/recorder";
import { tracingAvailability } from "../../collector/src/events/tracefs";
import { moveOffCpu, readFingerprint } from "../../collector/src/host";
import { SAMPLER_PATH } from "../../collector/src/native/sampler-binary";
import { runSampler } from "../../collector/src/native/sampler-process";
import { onlineCpus } from "../../collector/src/options";
import { median, type Figure, type Suite } from "../figure";

const PAIRS = 5;
const LONG_RUN = "60s";
const MEMORY_ROWS = 1_000_000;
const INTERLEAVED_S = 24;

function p999(values: number[]): number {
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(0.999 * sorted.length))];
}

/** Heap and array-buffer bytes each interval costs, held as objects (the naive way) and as columns. */
function bytesPerInterval(): { objects: number; columns: number } {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  const used = () => {
    gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  // A tick run's mix: local_timer, softirqs, device IRQs, threads.
  const mix: [EventKind, string][] = [
    ["tick", "local_timer"],
    ["softirq", "TIMER"],
    ["softirq", "RCU"],
    ["irq", "virtio1-req.0"],
    ["thread", "kworker/1:1"],
  ];
  let base = used();
  const objects: { start: number; end: number; kind: EventKind; name: string; cpu: number }[] = [];
  for (let i = 0; i < MEMORY_ROWS; i++) {
    const [kind, name] = mix[i % mix.length];
    objects.push({ start: 3e13 + i * 1e4, end: 3e13 + i * 1e4 + 2.6e4, kind, name, cpu: 1 });
  }
  const objectBytes = used() - base;
  objects.length = 0;
  base = used();
  const columns = new IntervalColumns();
  for (let i = 0; i < MEMORY_ROWS; i++) {
    const [kind, name] = mix[i % mix.length];
    columns.push(3e13 + i * 1e4, 3e13 + i * 1e4 + 2.6e4, kind, name, 1);
  }
  const columnBytes = used() - base;
  if (columns.length !== MEMORY_ROWS) throw new Error("columns lost rows");
  return { objects: objectBytes / MEMORY_ROWS, columns: columnBytes / MEMORY_ROWS };
}

/**
 * What recording the measured CPU's kernel events costs a tick run (p99.9 with events on against off,
 * beside the spread of the runs without: the noise floor), and what a 60 s run records.
 */
const suite: Suite = async () => {
  const available = tracingAvailability();
  if (!available.ok) {
    console.log(`events suite skipped: ${available.reason}`);
    return [];
  }
  const host = await readFingerprint();
  const cpus = onlineCpus();
  const cpu = cpus[cpus.length - 1];
  moveOffCpu(cpu, cpus);
  const dir = mkdtempSync(join(tmpdir(), "tickscope-bench-events-"));
  const comm = basename(SAMPLER_PATH).slice(0, 15);
  const tick = async (args: string[], events: boolean, name: string) => {
    const file = join(dir, `${name}.arrow`);
    const recorder = events
      ? new EventRecorder(
          cpu,
          host,
          comm,
          join(dir, `${name}.events.arrow`),
          join(dir, `${name}.steal.arrow`),
        )
      : null;
    recorder?.start();
    try {
      const result = await runSampler(["tick", "--cpu", String(cpu), ...args, "-o", file], undefined, (o) =>
        recorder?.streamFrom(o),
      ).result;
      const recorded = recorder ? await recorder.finish(result) : null;
      const d = Float64Array.from(
        tableFromIPC(readFileSync(file)).getChild(COLUMN.duration)!.toArray() as Uint32Array,
      ).sort();
      return { p999: d[Math.floor(0.999 * d.length)], recorded, events: join(dir, `${name}.events.arrow`) };
    } finally {
      recorder?.abort();
    }
  };
  try {
    const runs = { on: [] as number[], off: [] as number[] };
    for (let r = 0; r < PAIRS; r++)
      for (const mode of r % 2 ? (["on", "off"] as const) : (["off", "on"] as const))
        runs[mode].push((await tick(["--samples", "40000"], mode === "on", `pair-${r}-${mode}`)).p999);
    const on = median(runs.on);
    const off = median(runs.off);
    const floor = (Math.max(...runs.off) / Math.min(...runs.off) - 1) * 100;
    const cost = (on / off - 1) * 100;
    const us = (values: number[]) => values.map((v) => (v / 1000).toFixed(0)).join(", ");

    // One run, events recorded in even seconds and paused in odd ones: p99.9 of the samples of each, and
    // the noise floor as the odd seconds split in two (1 and 3 mod 4), as bench:collector does for the monitor.
    const interleaved = await (async () => {
      const file = join(dir, "interleaved.arrow");
      const recorder = new EventRecorder(
        cpu,
        host,
        comm,
        join(dir, "interleaved.events.arrow"),
        join(dir, "interleaved.steal.arrow"),
      );
      const toggles: number[] = [];
      let on = true;
      recorder.start();
      toggles.push(Number(process.hrtime.bigint()));
      const timer = setInterval(() => {
        on = !on;
        recorder.setRecording(on);
        toggles.push(Number(process.hrtime.bigint()));
      }, 1000);
      let result;
      try {
        result = await runSampler([
          "tick",
          "--cpu",
          String(cpu),
          "--duration",
          `${INTERLEAVED_S}s`,
          "-o",
          file,
        ]).result;
      } finally {
        clearInterval(timer);
        recorder.abort();
      }
      const table = tableFromIPC(readFileSync(file));
      const ts = table.getChild(COLUMN.ts)!.toArray() as BigInt64Array;
      const d = table.getChild(COLUMN.duration)!.toArray() as Uint32Array;
      const groups: number[][] = [[], [], [], []]; // toggle index mod 4: 0 and 2 on, 1 and 3 off
      let k = 0;
      for (let i = 0; i < ts.length; i++) {
        const mono = result.origin_mono_ns! + Number(ts[i]);
        while (k + 1 < toggles.length && toggles[k + 1] <= mono) k++;
        if (mono >= toggles[0]) groups[k % 4].push(d[i]);
      }
      const onP = p999([...groups[0], ...groups[2]]);
      const offP = p999([...groups[1], ...groups[3]]);
      return {
        on: onP,
        off: offP,
        cost: (onP / offP - 1) * 100,
        floor: Math.abs(p999(groups[1]) / p999(groups[3]) - 1) * 100,
      };
    })();

    const long = await tick(["--duration", LONG_RUN], true, "long");
    const events = await readEvents(readFileSync(long.events), "long.events.arrow");
    const seconds = long.recorded!.seconds;
    const byKind = new Map<string, number>();
    for (const k of events.kind) byKind.set(k, (byKind.get(k) ?? 0) + 1);
    const perSecond = events.ts.length / seconds;
    const memory = bytesPerInterval();
    const hourMiB = (bytes: number) => (bytes * perSecond * 3600) / 2 ** 20;
    return [
      {
        name: "tick p99.9, events off (separate runs)",
        median: off / 1000,
        unit: "us",
        runs: PAIRS,
        note: `runs: ${us(runs.off)}`,
      },
      {
        name: "tick p99.9, events on (separate runs)",
        median: on / 1000,
        unit: "us",
        runs: PAIRS,
        note: `runs: ${us(runs.on)}`,
      },
      {
        name: "events' cost: |p99.9 on / off - 1|",
        median: Math.abs(cost),
        unit: "%",
        runs: PAIRS,
        note: `signed ${cost >= 0 ? "+" : ""}${cost.toFixed(1)}%; noise floor (runs without events among themselves): ${floor.toFixed(1)}%; ${cost <= floor ? "within" : "OUTSIDE"} it`,
      },
      {
        name: `events' cost in one ${INTERLEAVED_S} s run: |p99.9 on / off - 1|`,
        median: Math.abs(interleaved.cost),
        unit: "%",
        runs: 1,
        note: `recorded in alternate seconds: p99.9 ${(interleaved.on / 1000).toFixed(1)} us on, ${(interleaved.off / 1000).toFixed(1)} us off, signed ${interleaved.cost >= 0 ? "+" : ""}${interleaved.cost.toFixed(2)}%; noise floor (odd seconds against odd seconds): ${interleaved.floor.toFixed(2)}%; ${Math.abs(interleaved.cost) <= interleaved.floor ? "within" : "OUTSIDE"} it`,
      },
      {
        name: `kernel events a second, ${LONG_RUN} tick run`,
        median: events.ts.length / seconds,
        unit: "/s",
        runs: 1,
        note: [...byKind].map(([k, n]) => `${k} ${(n / seconds).toFixed(1)}/s`).join(", "),
      },
      {
        name: `lost events, ${LONG_RUN} tick run`,
        median: events.meta.lost_events,
        unit: "events",
        runs: 1,
        target: "0",
        limit: 0,
        note: `clock ${events.meta.clock}, ${long.recorded!.stealSeconds} steal rows`,
      },
      {
        name: "memory of 1 h of events while recording",
        median: hourMiB(memory.columns),
        unit: "MiB",
        runs: 1,
        naive: { name: "as JS objects", median: hourMiB(memory.objects) },
        note: `at ${perSecond.toFixed(0)} intervals/s (the 60 s run's rate): ${memory.columns.toFixed(1)} bytes an interval as typed columns, ${memory.objects.toFixed(1)} as objects (${MEMORY_ROWS.toLocaleString("en-US")} measured)`,
      },
    ] satisfies Figure[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
export default suite;
