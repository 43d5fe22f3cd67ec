/**
 * A tracefs instance of the collector's own (`instances/tickscope-<pid>`), tracing one CPU: made before a
 * run, drained while it goes on, removed afterwards (also on a signal or an error, and at exit as a last
 * resort), so nothing else that uses tracing is disturbed.
 */
import { spawnSync } from "node:child_process";
import {
  closeSync,
  constants,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  readdirSync,
  rmdirSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";

export const TRACEFS = "/sys/kernel/tracing";

/** Entry/exit pairs and single events to record, where the kernel has them. */
const WANTED = [
  "irq/irq_handler_entry",
  "irq/irq_handler_exit",
  "irq/softirq_entry",
  "irq/softirq_exit",
  "sched/sched_switch",
  "nmi/nmi_handler",
  "workqueue/workqueue_execute_start",
  "workqueue/workqueue_execute_end",
  "ipi/ipi_entry",
  "ipi/ipi_exit",
  // Marks the sampler back on the CPU where the switch to it is not traced (intervals.ts).
  "rseq/rseq_update",
];

export type Availability = { ok: true; mounted: boolean } | { ok: false; reason: string };

/** Whether this process can trace: root, no lockdown against it, tracefs mounted (it mounts it if not). */
export function tracingAvailability(root = TRACEFS): Availability {
  if (process.getuid?.() !== 0) return { ok: false, reason: "not running as root" };
  let lockdown = "";
  try {
    lockdown = readFileSync("/sys/kernel/security/lockdown", "utf8");
  } catch {
    /* no lockdown LSM */
  }
  if (lockdown.includes("[confidentiality]"))
    return { ok: false, reason: "the kernel's lockdown (confidentiality) forbids tracing" };
  if (existsSync(join(root, "trace_clock"))) return { ok: true, mounted: false };
  const mount = spawnSync("mount", ["-t", "tracefs", "nodev", root], { encoding: "utf8" });
  if (mount.status !== 0 || !existsSync(join(root, "trace_clock")))
    return {
      ok: false,
      reason: `no tracefs at ${root}, and mounting it failed (${(mount.stderr || mount.error?.message || "").trim() || `status ${mount.status}`})`,
    };
  return { ok: true, mounted: true };
}

/** Removes the instances of collectors that died without cleaning up (SIGKILL): `tickscope-<pid>` of no live process. */
export function removeStaleInstances(root = TRACEFS): string[] {
  const dir = join(root, "instances");
  const removed: string[] = [];
  for (const name of existsSync(dir) ? readdirSync(dir) : []) {
    const pid = /^tickscope-(\d+)$/.exec(name)?.[1];
    if (!pid || existsSync(`/proc/${pid}`)) continue;
    try {
      rmdirSync(join(dir, name));
      removed.push(name);
    } catch {
      /* in use after all: leave it */
    }
  }
  return removed;
}

export interface InstanceStats {
  overrun: number;
  dropped: number;
}

export class TraceInstance {
  readonly path: string;
  readonly events: string[] = [];
  private pipe: number | null = null;
  private removed = false;
  private readonly atExit = () => this.remove();

  /** Creates and configures the instance; tracing starts with `start`. Throws with the step that failed. */
  constructor(
    readonly cpu: number,
    readonly clock: string,
    root = TRACEFS,
    name = `tickscope-${process.pid}`,
  ) {
    this.path = join(root, "instances", name);
    mkdirSync(this.path);
    process.once("exit", this.atExit);
    try {
      this.write("tracing_on", "0");
      this.write("trace_clock", clock);
      this.write("tracing_cpumask", cpuMask(cpu));
      this.write(`per_cpu/cpu${cpu}/buffer_size_kb`, "8192");
      for (const event of [...vectorEvents(this.path), ...WANTED])
        if (existsSync(join(this.path, "events", event, "enable"))) {
          this.write(`events/${event}/enable`, "1");
          this.events.push(event);
        }
    } catch (error) {
      this.remove();
      throw error;
    }
  }

  start(): void {
    this.pipe = openSync(
      join(this.path, `per_cpu/cpu${this.cpu}/trace_pipe`),
      constants.O_RDONLY | constants.O_NONBLOCK,
    );
    this.write("tracing_on", "1");
  }

  /** Reads whatever the kernel buffered (never waits): text, whole lines or not. */
  drain(): string {
    if (this.pipe === null) return "";
    const chunk = Buffer.alloc(1 << 20);
    let text = "";
    for (;;) {
      let n: number;
      try {
        n = readSync(this.pipe, chunk, 0, chunk.length, null);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "EAGAIN") break;
        throw error;
      }
      if (n <= 0) break;
      text += chunk.toString("latin1", 0, n);
    }
    return text;
  }

  stop(): void {
    if (!this.removed) this.write("tracing_on", "0");
  }

  /** Pauses and resumes recording while the pipe stays open (the cost figure's alternate seconds). */
  setRecording(on: boolean): void {
    if (!this.removed) this.write("tracing_on", on ? "1" : "0");
  }

  /** Events the kernel overwrote before they were read, or could not record (the buffer's own counts). */
  stats(): InstanceStats {
    const text = readFileSync(join(this.path, `per_cpu/cpu${this.cpu}/stats`), "utf8");
    const field = (name: string) => Number(new RegExp(`^${name}: (\\d+)`, "m").exec(text)?.[1] ?? 0);
    return { overrun: field("overrun"), dropped: field("dropped events") };
  }

  /** Disables everything and removes the instance. Synchronous, so it also runs at exit. */
  remove(): void {
    if (this.removed) return;
    this.removed = true;
    process.off("exit", this.atExit);
    if (this.pipe !== null) closeSync(this.pipe);
    this.pipe = null;
    try {
      writeFileSync(join(this.path, "tracing_on"), "0");
    } catch {
      /* already gone */
    }
    try {
      rmdirSync(this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }

  private write(file: string, value: string): void {
    try {
      writeFileSync(join(this.path, file), value);
    } catch (error) {
      throw new Error(`${join(this.path, file)}: cannot write "${value}" (${(error as Error).message})`);
    }
  }
}

/** `irq_vectors` entry/exit pairs this kernel has (local_timer, reschedule, call_function, …). */
function vectorEvents(instance: string): string[] {
  const dir = join(instance, "events", "irq_vectors");
  if (!existsSync(dir)) return [];
  const names = new Set(readdirSync(dir));
  return [...names]
    .filter((n) => n.endsWith("_entry") && names.has(n.replace(/_entry$/, "_exit")))
    .flatMap((n) => [`irq_vectors/${n}`, `irq_vectors/${n.replace(/_entry$/, "_exit")}`]);
}

/** tracing_cpumask: hex words of 32 CPUs, comma-separated, most significant first. */
export function cpuMask(cpu: number): string {
  const words = new Array(Math.floor(cpu / 32) + 1).fill(0);
  words[words.length - 1 - Math.floor(cpu / 32)] = (1 << (cpu % 32)) >>> 0;
  return words.map((w: number) => w.toString(16).padStart(8, "0")).join(",");
}

/** The trace clocks this kernel offers. */
export function traceClocks(root = TRACEFS): string[] {
  return readFileSync(join(root, "trace_clock"), "utf8").replace(/[[\]]/g, "").trim().split(/\s+/);
}
