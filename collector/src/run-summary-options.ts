import { pyramidBucketsFor, type SummaryOptions } from "../../lib/summary";
import type { PlannedTest } from "./collect-plan";

/** The sampler's own time per tick sample beyond its loop (~793k samples/s at `--loop-us 1` on a 2-CPU VM). */
const TICK_OVERHEAD_NS = 250;
/** A switch sample: one hand-over between threads (the study's 430 ns; a slower machine takes fewer). */
const SWITCH_SAMPLE_NS = 430;
const DEFAULT_LOOP_US = 68;

/**
 * How many samples a planned run will hold: exact with `--samples`, else estimated from its duration and
 * what one sample takes. Only its order of magnitude matters (the pyramid's size doubles per 2×).
 */
export function expectedSamples(
  planned: PlannedTest,
  run: { samples?: number; durationNs?: number; loopUs?: string },
): number {
  if (run.samples) return run.samples;
  const perSampleNs =
    planned.test === "tick"
      ? Number(run.loopUs ?? DEFAULT_LOOP_US) * 1000 + TICK_OVERHEAD_NS
      : SWITCH_SAMPLE_NS;
  return (run.durationNs ?? 0) / perSampleNs;
}

/**
 * The options the collector summarises a run with, as it goes and after: its test, the tick rate from
 * the fingerprint, and a pyramid sized for the run's length (pyramidBucketsFor: a 24 h capture gets
 * level 0 fine enough to zoom like a short run, not the default 2^17 buckets).
 */
export function runSummaryOptions(
  planned: PlannedTest,
  run: { samples?: number; durationNs?: number; loopUs?: string },
  hz: number | null | undefined,
): SummaryOptions {
  return { test: planned.test, hz, pyramidBuckets: pyramidBucketsFor(expectedSamples(planned, run)) };
}
