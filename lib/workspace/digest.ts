import { histogramBins } from "../analysis/histogram-bins";
import { emptyBatchIndex, percentile, type RunSummary } from "../summary";
import { coarseLevels } from "./coarse-window";
import type { RunDigest } from "./types";

export const DIGEST_PERCENTILES = [50, 90, 99, 99.9, 99.99, 99.999, 100];
const WORST_SHOWN = 10;

/**
 * The summary without what only the worker needs (pyramid, spike list, batch index): still a whole
 * RunSummary, so lib/analysis (buildComparison, statisticOf) runs on it in the page, unchanged.
 */
export function lightSummary(summary: RunSummary): RunSummary {
  return {
    ...summary,
    pyramid: { originNs: summary.pyramid.originNs, levels: [] },
    spikes: { ...summary.spikes, ts: new Float64Array(0), durationNs: new Float64Array(0) },
    batches: emptyBatchIndex(),
  };
}

/** The summary as the page holds it: the light summary with its spike list put back (for the DuckDB tables). */
export function tableSummary(digest: RunDigest): RunSummary | null {
  if (!digest.comparable) return null;
  const spikes = digest.spikeList ?? { ts: new Float64Array(0), durationNs: new Float64Array(0) };
  return { ...digest.comparable, spikes: { ...digest.comparable.spikes, ...spikes } };
}

/** What the page needs of a summary (small: it crosses from the worker to the page). Values in ns of duration. */
export function digestOf(summary: RunSummary): RunDigest {
  const worst: RunDigest["worst"] = [];
  for (let i = 0; i < Math.min(WORST_SHOWN, summary.worst.ts.length); i++)
    worst.push({ ts: summary.worst.ts[i], value: summary.worst.durationNs[i] });
  const baseline = summary.baseline.ns;
  return {
    kind: summary.kind,
    count: summary.count,
    startNs: summary.firstTs,
    endNs: summary.lastTs,
    baselineNs: baseline,
    offsetNs: summary.offsetNs,
    max: { value: summary.max.durationNs, ts: summary.max.ts },
    worst,
    percentiles: DIGEST_PERCENTILES.map((p) => ({
      p,
      value: p === 100 ? summary.max.durationNs : percentile(summary.histogram, p),
    })),
    histogram: (({ lower, counts }) => ({ lower, counts }))(histogramBins(summary.histogram)),
    tick: summary.tick
      ? {
          periodNs: summary.tick.periodNs,
          phaseNs: summary.tick.phaseNs,
          noTickNs: baseline,
          tickNs: baseline + summary.tick.costNs,
          costNs: summary.tick.costNs,
        }
      : null,
    periods: summary.periodicSpikes.map((family) => ({
      periodNs: family.periodNs,
      phaseNs: family.phaseNs,
      regularity: family.regularity,
      magnitudeNs: family.magnitudeNs,
    })),
    thresholdNs: summary.settings.spikeThresholdNs + summary.offsetNs,
    spikeCount: summary.spikes.ts.length,
    comparable: lightSummary(summary),
    coarse: summary.kind === "samples" ? coarseLevels(summary.pyramid) : undefined,
    spikeList: { ts: summary.spikes.ts.slice(), durationNs: summary.spikes.durationNs.slice() },
  };
}
