/**
 * Tick-test traces with known truth, their run files and bundles, for the e2e specs, the workspace's
 * tests and the UI benchmark, from the one generator (synthetic-trace.ts): a busy loop of `loopNs` plus up to 0.4 µs of jitter,
 * lengthened by about `tickCostNs` in every sample that spans a tick, by a hypervisor pause of about
 * `spikeNs` once per `spikePeriodNs` (from `spikeOffsetNs`), and one worst sample at a chosen time.
 */
import { concatBytes } from "../byte-source";
import { RunFileWriter } from "../run-writer";
import { buildBundle } from "./bundle";
import { syntheticBatches, type SyntheticTruth } from "./synthetic-trace";

export interface TickTraceOptions {
  samples: number;
  loopNs?: number;
  tickPeriodNs?: number;
  tickCostNs?: number;
  spikePeriodNs?: number;
  spikeOffsetNs?: number;
  spikeNs?: number;
  /** The one worst sample: the first sample starting at or after `atNs` lasts `valueNs`. */
  worst?: { atNs: number; valueNs: number };
  batchRows?: number;
}

export interface TickTraceTruth {
  samples: number;
  loopNs: number;
  tickNs: number;
  tickCostNs: number;
  tickPeriodNs: number;
  spikePeriodNs: number;
  worst: { ts: number; value: number } | null;
  endNs: number;
}

export interface TickBatch {
  ts: BigInt64Array;
  duration: Uint32Array;
}

const JITTER_NS = 200;

/** Yields the trace in batches (at most `batchRows` rows each); `truth` is complete once it is done. */
export function* tickTrace(
  options: TickTraceOptions,
  truth: Partial<TickTraceTruth> = {},
): Generator<TickBatch> {
  const loopNs = options.loopNs ?? 68_000;
  const tickPeriodNs = options.tickPeriodNs ?? 1_000_000;
  const tickCostNs = options.tickCostNs ?? 8_000;
  const spikePeriodNs = options.spikePeriodNs ?? 1_000_000_000;
  const full: Partial<SyntheticTruth> = {};
  const batches = syntheticBatches(
    {
      samples: options.samples,
      test: "tick",
      baselineNs: loopNs + JITTER_NS,
      jitterNs: JITTER_NS,
      gapNs: 0,
      tickPeriodNs,
      tickPhaseNs: tickPeriodNs,
      tickCostNs,
      spikePeriodNs,
      spikePhaseNs: options.spikeOffsetNs ?? 250_000_000,
      spikeNs: options.spikeNs ?? 2_000_000,
      worst: options.worst ?? null,
      batchRows: options.batchRows,
    },
    full,
  );
  for (const batch of batches)
    yield { ts: batch.ts as BigInt64Array, duration: batch.duration as Uint32Array };
  Object.assign(truth, {
    samples: options.samples,
    loopNs,
    tickNs: loopNs + tickCostNs,
    tickCostNs,
    tickPeriodNs,
    spikePeriodNs,
    worst: full.worst ? { ts: full.worst.ts, value: full.worst.durationNs } : null,
    endNs: full.endNs!,
  } satisfies TickTraceTruth);
}

export interface FixtureRun {
  id: string;
  environment: string;
  scenario: string;
  options: TickTraceOptions;
}

export function encodeTickRun(run: FixtureRun): { bytes: Uint8Array; truth: TickTraceTruth } {
  const chunks: Uint8Array[] = [];
  const truth: Partial<TickTraceTruth> = {};
  const writer = new RunFileWriter((chunk) => chunks.push(chunk.slice()), {
    test: "tick",
    run: { environment: run.environment, scenario: run.scenario, label: run.id },
  });
  for (const batch of tickTrace(run.options, truth)) writer.writeSamples(batch);
  writer.finish();
  return { bytes: concatBytes(chunks), truth: truth as TickTraceTruth };
}

/** A bundle zip with a manifest and the given tick runs, and what each run truly holds. */
export function tickBundle(runs: FixtureRun[], title = "e2e bundle") {
  const truths: Record<string, TickTraceTruth> = {};
  const { zip, files } = buildBundle({
    title,
    host: {
      hostname: "fixture",
      kernel: "6.1.0-test",
      hz: 1000,
      clocksource: "tsc",
      preempt: "full",
      hypervisor: "Microsoft Hv",
    },
    runs: runs.map((run) => {
      const { bytes, truth } = encodeTickRun(run);
      truths[run.id] = truth;
      return {
        id: run.id,
        bytes,
        test: "tick",
        fields: { environment: run.environment, scenario: run.scenario },
      };
    }),
  });
  return { zip, files, truths };
}
