/**
 * The one generator of traces whose truth is known, for tests, benchmarks, e2e fixtures and demos: a busy-loop baseline with jitter, a
 * kernel tick (period, cost), periodic large spikes (period, phase, size) and one worst spike at a
 * known time; tick or switch shapes; uint32, int32 or int64 durations. Generated batch by batch
 * straight into typed arrays (timestamps through 32-bit halves, no BigInt per sample), so 50M samples
 * take seconds and one batch of memory when written with `writeSyntheticRun`.
 */
import { MAX_BATCH_ROWS, COLUMN } from "../contract";
import { concatBytes } from "../byte-source";
import { RunFileWriter, type ByteSink, type IntegerArray, type RunFileMetadata } from "../run-writer";
import type { SampleBatch } from "../run-reader";
import type { EventKind } from "../events-contract";

/**
 * Kernel events for the interruptions (issue #11), each an interval inside its sample; interruptions
 * not recorded are the truth's `unexplained`. The jitter and the slowdown are not interruptions: give
 * `jitterNs: 0` for a trace whose every lost nanosecond has a known cause.
 */
export interface SyntheticEventsOptions {
  /** The tick's interval as kind `tick` with this name; null: the tick is not recorded. Default `local_timer`. */
  tickName?: string | null;
  /** An IRQ nested inside each tick interval (from a quarter of the way in): the IRQ's time, not the tick's. */
  irqInTick?: { name: string; ns: number } | null;
  /** A softirq starting `overlapNs` before each tick interval ends and lasting `ns` (overlapping, not nested). */
  softirqAfterTick?: { name: string; ns: number; overlapNs: number } | null;
  /** The periodic spikes recorded as `kind`/`name` for `share` of each; the rest stays unexplained. */
  spike?: { kind: EventKind; name: string; share: number } | null;
}

/** The generated events (sorted by start) and the time each cause took, by `kind:name` (`unexplained`). */
export interface SyntheticEvents {
  ts: number[];
  end: number[];
  kind: EventKind[];
  name: string[];
  causeNs: Record<string, number>;
}

export interface SyntheticTraceOptions {
  samples: number;
  test?: "tick" | "switch";
  /** Uninterrupted duration (tick: the busy loop, 68 µs in the study; switch: 430 ns). */
  baselineNs?: number;
  /** Jitter half-width (triangular distribution). Default 0.2% of the baseline. */
  jitterNs?: number;
  /** Time between one sample's end and the next one's start. */
  gapNs?: number;
  tickPeriodNs?: number | null;
  tickPhaseNs?: number;
  tickCostNs?: number;
  /** A second periodic interruption (a VM: the host's timer beside the guest's tick). */
  hostTick?: { periodNs: number; phaseNs: number; costNs: number } | null;
  /**
   * The loop's speed wanders as on a busy VM host: for a `share` of the time the loop takes a factor
   * drawn from `factor` times longer (jitter scaled alike), in stretches of `meanHoldNs` on average.
   */
  slowdown?: { share: number; factor: [number, number]; meanHoldNs: number } | null;
  spikePeriodNs?: number | null;
  spikePhaseNs?: number;
  spikeNs?: number;
  /** Share of spike periods that hold a spike (1: every period). */
  spikeRegularity?: number;
  /** Extra spikes at random times (per second of run), the same size as the periodic ones. */
  noiseSpikesPerSecond?: number;
  /**
   * One spike larger than all others: `ns` more on the sample running at `atNs`, or (`valueNs`) the
   * first sample starting at or after `atNs` lasts exactly `valueNs`.
   */
  worst?: { atNs: number; ns: number } | { atNs: number; valueNs: number } | null;
  durationType?: "uint32" | "int32" | "int64";
  tsType?: "int64" | "uint64";
  threads?: number;
  seed?: number;
  batchRows?: number;
  events?: SyntheticEventsOptions | null;
}

export interface SyntheticTruth {
  test: "tick" | "switch";
  samples: number;
  baselineNs: number;
  tickPeriodNs: number | null;
  tickCostNs: number;
  spikePeriodNs: number | null;
  spikePhaseNs: number;
  spikeNs: number;
  /** The largest duration and where it is (row and timestamp). */
  max: { durationNs: number; ts: number; row: number };
  firstTs: number;
  lastTs: number;
  /** Where the trace ends: the last sample's start, duration and gap. */
  endNs: number;
  /** The worst spike as placed: its sample's start and whole duration. */
  worst: { ts: number; durationNs: number } | null;
  /** With `events`: the events and the time each cause took. */
  events: SyntheticEvents | null;
}

export interface SyntheticBatch {
  firstRow: number;
  /** int64 (or uint64) timestamps as written, and the same as float64. */
  ts: BigInt64Array | BigUint64Array;
  tsFloat: Float64Array;
  duration: Uint32Array | Int32Array | BigInt64Array;
  durationFloat: Float64Array;
  thread?: Int32Array;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function resolveOptions(o: SyntheticTraceOptions) {
  const test = o.test ?? "tick";
  const baselineNs = o.baselineNs ?? (test === "tick" ? 68_000 : 430);
  return {
    samples: o.samples,
    test,
    baselineNs,
    jitterNs: o.jitterNs ?? Math.max(1, Math.round(baselineNs * 0.002)),
    gapNs: o.gapNs ?? 40,
    tickPeriodNs: o.tickPeriodNs === undefined ? 1_000_000 : o.tickPeriodNs,
    tickPhaseNs: o.tickPhaseNs ?? 250_000,
    tickCostNs: o.tickCostNs ?? 8_000,
    hostTick: o.hostTick ?? null,
    slowdown: o.slowdown ?? null,
    spikePeriodNs: o.spikePeriodNs === undefined ? 1_000_000_000 : o.spikePeriodNs,
    spikePhaseNs: o.spikePhaseNs ?? 350_000_000,
    spikeNs: o.spikeNs ?? 2_000_000,
    spikeRegularity: o.spikeRegularity ?? 1,
    noiseSpikesPerSecond: o.noiseSpikesPerSecond ?? 0,
    worst: o.worst === undefined ? null : o.worst,
    durationType: o.durationType ?? "uint32",
    tsType: o.tsType ?? "int64",
    threads: o.threads ?? (test === "switch" ? 2 : 0),
    seed: o.seed ?? 1,
    batchRows: o.batchRows ?? MAX_BATCH_ROWS,
    events: o.events
      ? {
          tickName: o.events.tickName === undefined ? "local_timer" : o.events.tickName,
          irqInTick: o.events.irqInTick ?? null,
          softirqAfterTick: o.events.softirqAfterTick ?? null,
          spike: o.events.spike ?? null,
        }
      : null,
  };
}

/** Generates the trace batch by batch; the truth is complete once the generator is done. */
export function* syntheticBatches(
  options: SyntheticTraceOptions,
  truthOut: Partial<SyntheticTruth> = {},
): Generator<SyntheticBatch> {
  const o = resolveOptions(options);
  const random = mulberry32(o.seed);
  let t = 0;
  let nextTick = o.tickPeriodNs ? o.tickPhaseNs : Infinity;
  let nextHostTick = o.hostTick ? o.hostTick.phaseNs : Infinity;
  let factor = 1;
  let factorUntil = 0;
  let nextSpike = o.spikePeriodNs ? o.spikePhaseNs : Infinity;
  let worstPending = o.worst !== null;
  let worstPlaced: SyntheticTruth["worst"] = null;
  let maxD = -1;
  let maxTs = 0;
  let maxRow = 0;
  const ev = o.events;
  const events: SyntheticEvents | null = ev ? { ts: [], end: [], kind: [], name: [], causeNs: {} } : null;
  let at = 0;
  const cause = (key: string, ns: number) => {
    if (events && ns) events.causeNs[key] = (events.causeNs[key] ?? 0) + ns;
  };
  const record = (from: number, to: number, kind: EventKind, name: string) => {
    events!.ts.push(from);
    events!.end.push(to);
    events!.kind.push(kind);
    events!.name.push(name);
  };
  for (let first = 0; first < o.samples; first += o.batchRows) {
    const rows = Math.min(o.batchRows, o.samples - first);
    const tsWords = new Uint32Array(rows * 2);
    const tsFloat = new Float64Array(rows);
    const durationFloat = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      if (o.slowdown && t >= factorUntil) {
        const { share, factor: range, meanHoldNs } = o.slowdown;
        factor = random() < share ? range[0] + (range[1] - range[0]) * random() : 1;
        factorUntil = t - meanHoldNs * Math.log(1 - random());
      }
      let d = Math.round(factor * (o.baselineNs + (random() + random() - 1) * o.jitterNs));
      const end = t + d + o.gapNs;
      let extra = 0;
      // With events, the sample's interruptions follow each other from its middle on.
      at = t + Math.floor(d / 2);
      if (nextTick < end) {
        const cost = Math.round(o.tickCostNs + (random() - 0.5) * 0.02 * o.tickCostNs);
        extra += cost;
        nextTick += o.tickPeriodNs!;
        if (ev?.tickName != null) {
          const irq = ev.irqInTick;
          const soft = ev.softirqAfterTick;
          record(at, at + cost, "tick", ev.tickName);
          let tickNs = cost;
          if (irq) {
            const from = at + Math.floor(cost / 4);
            record(from, from + irq.ns, "irq", irq.name);
            cause(`irq:${irq.name}`, irq.ns);
            tickNs -= irq.ns;
          }
          if (soft) {
            record(at + cost - soft.overlapNs, at + cost - soft.overlapNs + soft.ns, "softirq", soft.name);
            cause(`softirq:${soft.name}`, soft.ns);
            tickNs -= soft.overlapNs;
            extra += soft.ns - soft.overlapNs;
            at += soft.ns - soft.overlapNs;
          }
          cause(`tick:${ev.tickName}`, tickNs);
        } else cause("unexplained", cost);
        at += cost;
      }
      if (nextHostTick < end) {
        extra += o.hostTick!.costNs;
        nextHostTick += o.hostTick!.periodNs;
        cause("unexplained", o.hostTick!.costNs);
        at += o.hostTick!.costNs;
      }
      if (nextSpike < end) {
        if (random() < o.spikeRegularity) {
          const size = Math.round(o.spikeNs * (0.9 + 0.2 * random()));
          extra += size;
          const recorded = ev?.spike ? Math.round(size * ev.spike.share) : 0;
          if (recorded) {
            record(at, at + recorded, ev!.spike!.kind, ev!.spike!.name);
            cause(`${ev!.spike!.kind}:${ev!.spike!.name}`, recorded);
          }
          cause("unexplained", size - recorded);
          at += size;
        }
        nextSpike += o.spikePeriodNs!;
      }
      if (o.noiseSpikesPerSecond && random() < (o.noiseSpikesPerSecond * (end - t)) / 1e9) {
        const size = Math.round(o.spikeNs * (0.9 + 0.2 * random()));
        extra += size;
        cause("unexplained", size);
      }
      if (worstPending && "ns" in o.worst! && o.worst.atNs < end) {
        extra += o.worst.ns;
        cause("unexplained", o.worst.ns);
        worstPending = false;
      }
      d += extra;
      if (worstPending && "valueNs" in o.worst! && t >= o.worst.atNs) {
        cause("unexplained", o.worst.valueNs - d);
        d = o.worst.valueNs;
        worstPending = false;
      }
      if (o.worst && !worstPending && !worstPlaced) worstPlaced = { ts: t, durationNs: d };
      // Ticks and spikes that fall inside an interruption are absorbed by it.
      while (nextTick < t + d + o.gapNs) nextTick += o.tickPeriodNs!;
      while (nextHostTick < t + d + o.gapNs) nextHostTick += o.hostTick!.periodNs;
      while (nextSpike < t + d + o.gapNs) nextSpike += o.spikePeriodNs!;
      tsFloat[i] = t;
      tsWords[2 * i] = t % 4294967296;
      tsWords[2 * i + 1] = Math.floor(t / 4294967296);
      durationFloat[i] = d;
      if (d > maxD) {
        maxD = d;
        maxTs = t;
        maxRow = first + i;
      }
      t += d + o.gapNs;
    }
    let duration: SyntheticBatch["duration"];
    if (o.durationType === "int64") {
      const words = new Uint32Array(rows * 2);
      for (let i = 0; i < rows; i++) words[2 * i] = durationFloat[i];
      duration = new BigInt64Array(words.buffer);
    } else
      duration =
        o.durationType === "int32" ? Int32Array.from(durationFloat) : Uint32Array.from(durationFloat);
    const ts = o.tsType === "uint64" ? new BigUint64Array(tsWords.buffer) : new BigInt64Array(tsWords.buffer);
    const batch: SyntheticBatch = { firstRow: first, ts, tsFloat, duration, durationFloat };
    if (o.threads) {
      const thread = new Int32Array(rows);
      for (let i = 0; i < rows; i++) thread[i] = (first + i) % o.threads;
      batch.thread = thread;
    }
    if (first + rows >= o.samples) {
      Object.assign(truthOut, {
        test: o.test,
        samples: o.samples,
        baselineNs: o.baselineNs,
        tickPeriodNs: o.tickPeriodNs,
        tickCostNs: o.tickCostNs,
        spikePeriodNs: o.spikePeriodNs,
        spikePhaseNs: o.spikePhaseNs,
        spikeNs: o.spikeNs,
        max: { durationNs: maxD, ts: maxTs, row: maxRow },
        firstTs: 0,
        lastTs: tsFloat[rows - 1],
        endNs: t,
        worst: worstPlaced,
        events,
      } satisfies SyntheticTruth);
    }
    yield batch;
  }
}

/** The trace as SampleBatches (what the run reader yields), without going through Arrow. */
export function syntheticSampleBatches(options: SyntheticTraceOptions): {
  batches: SampleBatch[];
  truth: SyntheticTruth;
} {
  const truth: Partial<SyntheticTruth> = {};
  const batches: SampleBatch[] = [];
  let index = 0;
  for (const b of syntheticBatches(options, truth)) {
    batches.push({
      index: index++,
      firstRow: b.firstRow,
      ts: b.tsFloat,
      duration: b.duration instanceof Uint32Array ? b.duration : b.durationFloat,
      thread: b.thread,
    });
  }
  return { batches, truth: truth as SyntheticTruth };
}

function columnsOf(b: SyntheticBatch): Record<string, IntegerArray | undefined> {
  return { [COLUMN.ts]: b.ts, [COLUMN.duration]: b.duration, [COLUMN.thread]: b.thread };
}

/** Writes the trace as an Arrow run file (or stream) to a sink, one batch in memory at a time. */
export function writeSyntheticRun(
  sink: ByteSink,
  options: SyntheticTraceOptions,
  metadata: RunFileMetadata = {},
  format: "file" | "stream" = "file",
): SyntheticTruth {
  const o = resolveOptions(options);
  const truth: Partial<SyntheticTruth> = {};
  const writer = new RunFileWriter(sink, { test: o.test, ...metadata }, format);
  for (const b of syntheticBatches(options, truth)) writer.writeColumns(columnsOf(b));
  writer.finish();
  return truth as SyntheticTruth;
}

/** The trace as one Arrow file in memory (small runs). */
export function encodeSyntheticRun(
  options: SyntheticTraceOptions,
  metadata: RunFileMetadata = {},
  format: "file" | "stream" = "file",
): { bytes: Uint8Array; truth: SyntheticTruth } {
  const chunks: Uint8Array[] = [];
  const truth = writeSyntheticRun((c) => chunks.push(c), options, metadata, format);
  return { bytes: concatBytes(chunks), truth };
}

/** The whole trace as columns in memory (benchmarks and small fixtures: `samples` rows at once). */
export function syntheticColumns(options: SyntheticTraceOptions): {
  ts: BigInt64Array;
  duration: Uint32Array;
  truth: SyntheticTruth;
} {
  const ts = new BigInt64Array(options.samples);
  const duration = new Uint32Array(options.samples);
  const truth: Partial<SyntheticTruth> = {};
  for (const b of syntheticBatches({ ...options, durationType: "uint32", tsType: "int64" }, truth)) {
    ts.set(b.ts as BigInt64Array, b.firstRow);
    duration.set(b.duration as Uint32Array, b.firstRow);
  }
  return { ts, duration, truth: truth as SyntheticTruth };
}
