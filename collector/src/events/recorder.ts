/**
 * Records the measured CPU's kernel events while a tick run goes on, from this process (which the CLI
 * keeps off the measured CPU): every 100 ms it drains the instance's per-CPU buffer and reads the CPU's
 * steal time. Once the sampler has told the run's origin (its first sample's counter and the counter's
 * rate), the intervals go to the events file as they become final, in record batches (event-stream.ts),
 * so memory does not grow with the run and a crash keeps them. Without it (a held run, or a clock other
 * than the TSC) they are held and written after the run. The steal table follows the run the same way
 * once the origin's CLOCK_MONOTONIC time is told: a row a second, a record batch every STEAL_BATCH_MS.
 */
import type { EventsMeta } from "../../../lib/format/events-contract";
import { StealStreamWriter } from "../../../lib/format/steal-stream-writer";
import { EventStream, type StreamOrigin } from "./event-stream";
import { FileSink } from "./file-sink";
import { IntervalPairer } from "./intervals";
import { readSteal, StealSeconds, type StealSecond } from "./steal";
import { readSchedulerFacts, throttleName } from "./throttle-name";
import { LineSplitter, parseTraceLine } from "./trace-lines";
import { TraceInstance, traceClocks } from "./tracefs";

const DRAIN_MS = 100;
/** A record batch at least this often, so that a crash loses at most about this much. */
const BATCH_MS = 1000;
/** A record batch of the steal table (a row a second) this often: what a crash loses of it at most. */
const STEAL_BATCH_MS = 10_000;
/** An interval open longer is not waited for (event-stream.ts). */
const MAX_OPEN_S = 30;
/** An NMI's start precedes its line by its handler's duration: the file stays this far behind. */
const NMI_LAG_S = 0.01;

/** What the sampler said about the run's time base (its result line). */
export interface RunOrigin {
  tsc_hz: number;
  origin_counter?: number;
  origin_mono_ns?: number;
}

/** What the sampler says once its first samples are written: enough to convert events as they come. */
export interface StreamedOrigin {
  origin_counter: number;
  /** CLOCK_MONOTONIC at the first sample (the steal table's time 0); absent from older samplers. */
  origin_mono_ns?: number;
  tsc_hz: number;
}

export interface RecordedEvents {
  events: number;
  /** Set when the run's final origin differs from the one the streamed events were converted with. */
  note?: string;
  lostEvents: number;
  stealSeconds: number;
  clock: string;
  /** From the first sample to the end of recording. */
  seconds: number;
}

/** What the recorder needs of the run's fingerprint (lib/format/manifest.ts). */
export interface RecorderHost {
  /** The sampler's counter: `tsc` reads the same TSC as the x86-tsc trace clock. */
  counter?: unknown;
  tsc_hz?: number | null;
  rt_group_sched?: boolean | null;
}

export class EventRecorder {
  private readonly instance: TraceInstance;
  private readonly splitter = new LineSplitter();
  private readonly pairer: IntervalPairer;
  private readonly steal = new StealSeconds();
  private stealRows: StealSecond[] = [];
  private stealWriter: StealStreamWriter | null = null;
  private stealSink: FileSink | null = null;
  private stealRowsWritten = 0;
  private lastStealBatchAt = 0;
  private lastStealMonoNs: number | undefined;
  private lostMarkers = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly stream: EventStream;
  private sink: FileSink | null = null;
  private lastBatchAt = 0;

  /**
   * @param counter the sampler's counter (`tsc` reads the same TSC as the x86-tsc trace clock; any
   * other is aligned through CLOCK_MONOTONIC, the `mono` trace clock)
   */
  constructor(
    readonly cpu: number,
    host: RecorderHost,
    samplerComm: string,
    readonly eventsFile: string,
    readonly stealFile: string,
  ) {
    const counter = typeof host.counter === "string" ? host.counter : undefined;
    const tscHzEstimate = host.tsc_hz ?? 0;
    const clocks = traceClocks();
    const clock = counter === "tsc" && tscHzEstimate > 0 && clocks.includes("x86-tsc") ? "x86-tsc" : "mono";
    this.instance = new TraceInstance(cpu, clock);
    // Only an NMI's own duration (in ns) is converted with the estimate; everything else after the run.
    this.pairer = new IntervalPairer(
      samplerComm,
      clock === "x86-tsc" ? tscHzEstimate / 1e9 : 1,
      throttleName(readSchedulerFacts(host.rt_group_sched ?? null)),
    );
    const countsPerS = clock === "x86-tsc" ? tscHzEstimate : 1e9;
    this.stream = new EventStream(
      this.pairer,
      () => (this.sink = new FileSink(eventsFile)),
      (origin) => ({ ...this.meta(origin, 0), recording: "unfinished" }),
      { maxOpenCounts: MAX_OPEN_S * countsPerS, lagCounts: NMI_LAG_S * countsPerS },
    );
  }

  private meta(origin: StreamOrigin, lostEvents: number): EventsMeta {
    return {
      clock: this.clock,
      offset_ns: Math.round(origin.originClock / origin.countsPerNs),
      lost_events: lostEvents,
      cpu: this.cpu,
      source: "tracefs",
      events: this.instance.events,
      unpaired: this.pairer.unpaired,
      ...(this.stream.late ? { late_intervals: this.stream.late } : {}),
    };
  }

  /**
   * The sampler's origin, told while the run goes on (streamed runs): from now on the events go to the
   * file. Only for the x86-tsc clock: the mono clock's origin is only final after the run.
   */
  streamFrom(origin: StreamedOrigin): void {
    if (origin.origin_mono_ns !== undefined) this.streamStealFrom(origin.origin_mono_ns, origin);
    if (this.clock !== "x86-tsc" || !(origin.tsc_hz > 0)) return;
    this.stream.setOrigin({ originClock: origin.origin_counter, countsPerNs: origin.tsc_hz / 1e9 });
    this.lastBatchAt = performance.now();
  }

  /** The steal table's file, begun once the run's CLOCK_MONOTONIC origin is known (its metadata provisional). */
  private streamStealFrom(originMonoNs: number | null, origin: RunOrigin): void {
    if (this.stealWriter) return;
    if (originMonoNs !== null) this.stealRows.push(...this.steal.setOrigin(originMonoNs));
    this.stealSink = new FileSink(this.stealFile);
    this.stealWriter = new StealStreamWriter(this.stealSink, {
      ...this.meta(this.streamOriginOf(origin), 0),
      source: "/proc/stat",
      recording: "unfinished",
    });
    this.lastStealBatchAt = performance.now();
  }

  /** The events' time base for this clock, from what the sampler told. */
  private streamOriginOf(origin: RunOrigin): StreamOrigin {
    const countsPerNs = this.clock === "x86-tsc" ? origin.tsc_hz / 1e9 : 1;
    const originClock = this.clock === "x86-tsc" ? origin.origin_counter : origin.origin_mono_ns;
    if (originClock === undefined) throw new Error("the sampler did not report the run's origin");
    return { originClock, countsPerNs };
  }

  /** Appends the steal rows kept since the last batch. */
  private writeStealRows(): void {
    if (!this.stealWriter || this.stealRows.length === 0) return;
    const rows = this.stealRows;
    this.stealRows = [];
    this.stealWriter.write({
      second: Int32Array.from(rows, (r) => r.second),
      steal: BigInt64Array.from(rows, (r) => BigInt(r.stealNs)),
    });
    this.stealRowsWritten += rows.length;
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
    if (!reading) return;
    this.lastStealMonoNs = reading.monoNs;
    const rows = this.steal.add(reading);
    if (rows.length) this.stealRows.push(...rows);
  }

  private tick(): void {
    this.splitter.push(this.instance.drain(), (line) => this.onLine(line));
    this.sampleSteal();
    const now = performance.now();
    const batchDue = now - this.lastBatchAt >= BATCH_MS;
    this.stream.step(batchDue);
    if (batchDue) {
      this.lastBatchAt = now;
      this.sink?.sync();
    }
    if (this.stealWriter && now - this.lastStealBatchAt >= STEAL_BATCH_MS) {
      this.writeStealRows();
      this.stealSink?.sync();
      this.lastStealBatchAt = now;
    }
  }

  private onLine(line: string): void {
    const parsed = parseTraceLine(line);
    if (!parsed) return;
    if ("lost" in parsed) this.lostMarkers += parsed.lost;
    else if (parsed.cpu === this.cpu) this.pairer.push(parsed);
  }

  /** Stops tracing, reads the rest and removes the instance; then ends the events file, writes the steal table. */
  async finish(origin: RunOrigin): Promise<RecordedEvents> {
    this.stopTimer();
    this.instance.stop();
    this.tick();
    this.splitter.flush((line) => this.onLine(line));
    const stats = this.instance.stats();
    this.instance.remove();
    const { originClock, countsPerNs } = this.streamOriginOf(origin);
    const streamed = this.stream.originKnown;
    let note: string | undefined;
    if (!streamed) this.stream.setOrigin({ originClock, countsPerNs });
    else if (streamed.originClock !== originClock || streamed.countsPerNs !== countsPerNs)
      note = `the events were converted with the origin the sampler told during the run (counter ${streamed.originClock} at ${streamed.countsPerNs * 1e9} Hz), which differs from its final one (${originClock} at ${origin.tsc_hz} Hz)`;
    const lostEvents = Math.max(stats.overrun + stats.dropped, this.lostMarkers);
    const meta = this.meta(this.stream.originKnown!, lostEvents);
    try {
      this.stream.finish(meta);
    } finally {
      this.sink?.close();
    }
    // A held run (or one whose origin was not told) writes its steal table now, whole; without an
    // origin on CLOCK_MONOTONIC, a table without rows.
    this.streamStealFrom(origin.origin_mono_ns ?? null, origin);
    this.stealRows.push(...this.steal.end());
    try {
      this.writeStealRows();
      this.stealWriter!.finish({ ...meta, source: "/proc/stat" });
    } finally {
      this.stealSink?.close();
    }
    const lastReading = this.lastStealMonoNs;
    const seconds =
      lastReading !== undefined && origin.origin_mono_ns !== undefined
        ? (lastReading - origin.origin_mono_ns) / 1e9
        : 0;
    return {
      events: this.stream.rows,
      lostEvents,
      stealSeconds: this.stealRowsWritten,
      clock: this.clock,
      seconds,
      ...(note ? { note } : {}),
    };
  }

  /**
   * Stops and removes the instance (the run failed). `keep`, once streaming began: the events file and
   * the steal table are ended with what was recorded (their metadata keeps `recording: "unfinished"`);
   * else they are closed as they are. Returns which files there are.
   */
  abort(keep = false): { events: boolean; steal: boolean } {
    this.stopTimer();
    try {
      if (this.stealWriter) {
        this.stealRows.push(...this.steal.end());
        this.writeStealRows();
        if (keep)
          this.stealWriter.finish({
            ...this.meta(this.stream.originKnown ?? { originClock: 0, countsPerNs: 1 }, 0),
            source: "/proc/stat",
            recording: "unfinished",
          });
      }
    } catch {
      // what reached the file stays readable up to its last whole batch
    }
    this.stealSink?.close();
    try {
      if (this.sink) {
        this.instance.stop();
        this.splitter.push(this.instance.drain(), (line) => this.onLine(line));
        if (keep) {
          const stats = this.instance.stats();
          const lost = Math.max(stats.overrun + stats.dropped, this.lostMarkers);
          this.stream.finish({ ...this.meta(this.stream.originKnown!, lost), recording: "unfinished" });
        } else this.stream.step(true);
      }
    } catch {
      // what reached the file stays readable up to its last whole batch
    }
    this.instance.remove();
    this.sink?.close();
    return { events: this.sink !== null, steal: this.stealSink !== null };
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
