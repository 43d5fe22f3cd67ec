/**
 * Records the measured CPU's kernel events while a tick run goes on, from this process (which the CLI
 * keeps off the measured CPU): every 100 ms it drains the instance's per-CPU buffer and reads the CPU's
 * steal time. After the run it converts the events to the run's time base and writes the events file
 * and the steal table beside the run.
 */
import { writeFile } from "node:fs/promises";
import type { EventsMeta } from "../../../lib/format/events-contract";
import { encodeEventsFile, encodeStealFile } from "../../../lib/format/events-writer";
import { IntervalPairer } from "./intervals";
import { readSteal, stealPerSecond, type StealReading } from "./steal";
import { readSchedulerFacts, throttleName } from "./throttle-name";
import { LineSplitter, parseTraceLine } from "./trace-lines";
import { TraceInstance, traceClocks } from "./tracefs";

const DRAIN_MS = 100;

/** What the sampler said about the run's time base (its result line). */
export interface RunOrigin {
  tsc_hz: number;
  origin_counter?: number;
  origin_mono_ns?: number;
}

export interface RecordedEvents {
  events: number;
  lostEvents: number;
  stealSeconds: number;
  clock: string;
  /** From the first sample to the end of recording. */
  seconds: number;
}

export class EventRecorder {
  private readonly instance: TraceInstance;
  private readonly splitter = new LineSplitter();
  private readonly pairer: IntervalPairer;
  private readonly steal: StealReading[] = [];
  private lostMarkers = 0;
  private timer: NodeJS.Timeout | null = null;

  /**
   * @param counter the sampler's counter (`tsc` reads the same TSC as the x86-tsc trace clock; any
   * other is aligned through CLOCK_MONOTONIC, the `mono` trace clock)
   */
  constructor(
    readonly cpu: number,
    counter: string | undefined,
    samplerComm: string,
    tscHzEstimate: number,
  ) {
    const clocks = traceClocks();
    const clock = counter === "tsc" && tscHzEstimate > 0 && clocks.includes("x86-tsc") ? "x86-tsc" : "mono";
    this.instance = new TraceInstance(cpu, clock);
    // Only an NMI's own duration (in ns) is converted with the estimate; everything else after the run.
    this.pairer = new IntervalPairer(
      samplerComm,
      clock === "x86-tsc" ? tscHzEstimate / 1e9 : 1,
      throttleName(readSchedulerFacts()),
    );
  }

  get clock(): string {
    return this.instance.clock;
  }

  start(): void {
    this.sampleSteal();
    this.instance.start();
    this.timer = setInterval(() => this.tick(), DRAIN_MS);
  }

  /** Pauses or resumes the kernel's recording (bench:events compares alternate seconds of one run). */
  setRecording(on: boolean): void {
    this.instance.setRecording(on);
  }

  private sampleSteal(): void {
    const reading = readSteal(this.cpu);
    if (reading) this.steal.push(reading);
  }

  private tick(): void {
    this.splitter.push(this.instance.drain(), (line) => this.onLine(line));
    this.sampleSteal();
  }

  private onLine(line: string): void {
    const parsed = parseTraceLine(line);
    if (!parsed) return;
    if ("lost" in parsed) this.lostMarkers += parsed.lost;
    else if (parsed.cpu === this.cpu) this.pairer.push(parsed);
  }

  /** Stops tracing, reads the rest and removes the instance; then writes the two files. */
  async finish(origin: RunOrigin, eventsFile: string, stealFile: string): Promise<RecordedEvents> {
    this.stopTimer();
    this.instance.stop();
    this.tick();
    this.splitter.flush((line) => this.onLine(line));
    const stats = this.instance.stats();
    this.instance.remove();
    const countsPerNs = this.clock === "x86-tsc" ? origin.tsc_hz / 1e9 : 1;
    const pairer = this.pairer;
    const originClock = this.clock === "x86-tsc" ? origin.origin_counter : origin.origin_mono_ns;
    if (originClock === undefined) throw new Error("the sampler did not report the run's origin");
    const toNs = (t: number) => BigInt(Math.round((t - originClock) / countsPerNs));
    // Calibration ran on the measured CPU before the first sample: keep what reaches into the run.
    const columns = pairer.intervals;
    const rows = columns.order((i) => columns.end[i] >= originClock);
    const lostEvents = Math.max(stats.overrun + stats.dropped, this.lostMarkers);
    const meta: EventsMeta = {
      clock: this.clock,
      offset_ns: Math.round(originClock / countsPerNs),
      lost_events: lostEvents,
      cpu: this.cpu,
      source: "tracefs",
      events: this.instance.events,
      unpaired: pairer.unpaired,
    };
    await writeFile(
      eventsFile,
      encodeEventsFile(
        {
          ts: BigInt64Array.from(rows, (i) => toNs(columns.start[i])),
          end: BigInt64Array.from(rows, (i) => toNs(columns.end[i])),
          kind: Array.from(rows, (i) => columns.kindAt(i)),
          name: Array.from(rows, (i) => columns.nameAt(i)),
          cpu: Int32Array.from(rows, (i) => columns.cpu[i]),
        },
        meta,
      ),
    );
    const steal =
      origin.origin_mono_ns === undefined ? [] : stealPerSecond(this.steal, origin.origin_mono_ns);
    await writeFile(
      stealFile,
      encodeStealFile(
        {
          second: Int32Array.from(steal, (r) => r.second),
          steal: BigInt64Array.from(steal, (r) => BigInt(r.stealNs)),
        },
        { ...meta, source: "/proc/stat" },
      ),
    );
    const lastReading = this.steal[this.steal.length - 1]?.monoNs;
    const seconds =
      lastReading !== undefined && origin.origin_mono_ns !== undefined
        ? (lastReading - origin.origin_mono_ns) / 1e9
        : 0;
    return { events: rows.length, lostEvents, stealSeconds: steal.length, clock: this.clock, seconds };
  }

  /** Stops and removes the instance without writing anything (the run failed). */
  abort(): void {
    this.stopTimer();
    this.instance.remove();
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
