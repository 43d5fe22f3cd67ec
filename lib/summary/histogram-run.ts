/**
 * A summary of a histogram run (cyclictest, oslat): the distribution only. Its maximum is the
 * source's own `max` when it recorded one (docs/bundle-format.md), else the top of the last bucket used.
 */
import type { HistogramRun } from "../format/histogram-run-reader";
import { createHistogram, recordValue } from "./histogram";
import { emptyBatchIndex } from "./batch-index";
import { buildPyramid, createLevel } from "./pyramid";
import type { RunSummary } from "./types";

export function summarizeHistogramRun(run: HistogramRun): RunSummary {
  const histogram = createHistogram();
  let top = NaN;
  for (let i = 0; i < run.bucketNs.length; i++) {
    if (run.count[i] > 0) {
      recordValue(histogram, run.bucketNs[i], run.count[i]);
      if (!(run.bucketNs[i] <= top)) top = run.bucketNs[i];
    }
  }
  const ownMax = Number((run.header.fields as { max?: unknown }).max);
  const max = Number.isFinite(ownMax) && ownMax > 0 ? ownMax : top;
  if (Number.isFinite(max)) histogram.max = Math.max(histogram.max, max);
  const empty = new Float64Array(0);
  return {
    version: 1,
    kind: "histogram",
    test: run.header.test ?? "histogram",
    count: histogram.total,
    firstTs: NaN,
    lastTs: NaN,
    spanNs: 0,
    baseline: { ns: NaN, spreadNs: NaN, sampled: 0 },
    offsetNs: 0,
    max: { durationNs: max, ts: NaN },
    min: { durationNs: histogram.min, ts: NaN },
    worst: { durationNs: empty, ts: empty },
    histogram,
    pyramid: buildPyramid(0, createLevel(1, 1)),
    spikes: { thresholdNs: NaN, raised: false, ts: empty, durationNs: empty },
    seconds: { firstSecond: 0, maxDurationNs: empty, maxTs: empty },
    tick: null,
    periodicSpikes: [],
    batches: emptyBatchIndex(),
    settings: { worstK: 0, pyramidBuckets: 1, spikeThresholdNs: NaN },
  };
}
