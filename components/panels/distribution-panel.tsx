"use client";

import { useMemo, useRef } from "react";
import { CELL_DIGITS } from "@/lib/analysis/export";
import { histogramBins } from "@/lib/analysis/histogram-bins";
import { statisticOf, type Statistic } from "@/lib/analysis/statistic";
import { kindOffset, type ValueKind } from "@/lib/analysis/value-kind";
import type { RunSummary } from "@/lib/summary";
import type { RunEntry } from "@/lib/workspace/types";
import { PngButton } from "../charts/chart-actions";
import { EChart, type ChartHandle } from "../charts/echart";
import { histogramOption, percentileOption } from "../charts/options/distribution";
import { formatDuration } from "../charts/units";
import { ValueKindSelect } from "./value-kind-select";
import { Panel } from "../ui/panel";
import { runLabel } from "../workspace/run-label";
import { matchesRef, runRef } from "../workspace/run-ref";
import { exportMeta } from "./export-meta";

const TABLE_PERCENTILES = [50, 90, 99, 99.9, 99.99, 99.999];

/** The same statistic the Comparison shows for this run and kind (one function: lib/analysis). */
const valueOf = (summary: RunSummary, statistic: Statistic, kind: ValueKind) =>
  statisticOf(summary, statistic, { kind });

/** Histograms and percentile spectra of the chosen runs, overlaid, as duration or overhead. */
export function DistributionPanel({
  runs,
  chosen,
  onChoose,
  kind,
  onKind,
}: {
  runs: RunEntry[];
  chosen: string[];
  onChoose: (keys: string[]) => void;
  kind: ValueKind;
  onKind: (kind: ValueKind) => void;
}) {
  const histogramChart = useRef<ChartHandle>(null);
  const spectrumChart = useRef<ChartHandle>(null);
  const ready = runs.filter((run) => run.state === "ready" && run.digest?.comparable);
  const shown = useMemo(() => {
    const picked = ready.filter((run) => chosen.some((ref) => matchesRef(run, ref)));
    return picked.length ? picked : ready.slice(0, 8);
  }, [ready, chosen]);
  const bins = useMemo(
    () =>
      shown.map((run) => {
        const summary = run.digest!.comparable!;
        return { run, ...histogramBins(summary.histogram, kindOffset(summary.offsetNs, kind)) };
      }),
    [shown, kind],
  );
  const histogram = useMemo(
    () =>
      histogramOption(
        bins.map(({ run, ...b }) => ({ name: runLabel(run), ...b })),
        kind,
      ),
    [bins, kind],
  );
  const spectrum = useMemo(
    () =>
      percentileOption(
        shown.map((run) => ({
          name: runLabel(run),
          points: TABLE_PERCENTILES.map((p) => ({
            p,
            value: valueOf(run.digest!.comparable!, `p${p}`, kind),
          })),
        })),
        kind,
      ),
    [shown, kind],
  );
  const hidden = bins.filter((b) => b.belowOne > 0);
  const loading = runs.some((run) => run.state === "loading");
  if (!ready.length)
    return (
      <Panel
        title="Distributions"
        testId="panel-distribution"
        state={loading ? "loading" : "empty"}
        empty="Open runs to compare their distributions."
      />
    );
  const toggle = (run: RunEntry) => {
    const next = shown.includes(run) ? shown.filter((r) => r !== run) : [...shown, run];
    onChoose(next.map((r) => runRef(r, runs)));
  };
  return (
    <Panel
      title="Distributions"
      testId="panel-distribution"
      state="ready"
      subtitle={
        kind === "overhead"
          ? "overhead: each sample's duration minus its run's baseline (a switch run's latency itself)"
          : "duration: each sample as measured"
      }
      actions={
        <>
          <ValueKindSelect kind={kind} onKind={onKind} />
          <fieldset className="flex flex-wrap items-center gap-x-3 gap-y-1 text-[12px]">
            <legend className="sr-only">Runs to overlay</legend>
            {ready.map((run) => (
              <label key={run.key} className="flex items-center gap-1">
                <input type="checkbox" checked={shown.includes(run)} onChange={() => toggle(run)} />
                {runLabel(run)}
              </label>
            ))}
          </fieldset>
        </>
      }
    >
      <div className="grid gap-3 lg:grid-cols-2">
        <figure>
          <figcaption className="flex items-center justify-between text-[12px] text-muted">
            Histogram (log–log){" "}
            <PngButton
              chart={histogramChart}
              name="histogram"
              meta={exportMeta("Histogram (log–log)", shown, `x: ${kind}, log scale · y: samples, log scale`)}
            />
          </figcaption>
          <div className="h-[300px]">
            <EChart
              ref={histogramChart}
              option={histogram}
              notMerge
              label={`Histogram of ${kind}, log scale`}
              className="h-full w-full"
            />
          </div>
          <p className="text-[11px] text-muted" data-testid="histogram-modes">
            Tallest bin ({kind}):{" "}
            {bins.map(({ run, modeNs }, i) => (
              <span
                key={run.key}
                className="num"
                data-testid="histogram-mode"
                data-run={run.id}
                data-ns={modeNs}
              >
                {i ? " · " : ""}
                {runLabel(run)} {formatDuration(modeNs, 3)}
              </span>
            ))}
            {hidden.map(({ run, belowOne }) => (
              <span key={run.key} className="block">
                {runLabel(run)}: {belowOne.toLocaleString("en-US")} samples under 1 ns of {kind} (at or below
                the baseline) are not on the log axis.
              </span>
            ))}
          </p>
        </figure>
        <figure>
          <figcaption className="flex items-center justify-between text-[12px] text-muted">
            Percentile spectrum{" "}
            <PngButton
              chart={spectrumChart}
              name="percentiles"
              meta={exportMeta("Percentile spectrum", shown, `y: ${kind}, log scale · x: percentile`)}
            />
          </figcaption>
          <div className="h-[300px]">
            <EChart
              ref={spectrumChart}
              option={spectrum}
              notMerge
              label={`Percentile spectrum of ${kind}, log axis`}
              className="h-full w-full"
            />
          </div>
        </figure>
      </div>
      <table className="mt-3 w-full text-[12px]" data-testid="percentile-table">
        <caption className="sr-only">Percentiles of each run&apos;s {kind}</caption>
        <thead className="text-[11px] text-muted uppercase">
          <tr>
            <th scope="col" className="py-1 text-left font-medium">
              run ({kind})
            </th>
            {TABLE_PERCENTILES.map((p) => (
              <th key={p} scope="col" className="py-1 text-right font-medium">
                p{p}
              </th>
            ))}
            <th scope="col" className="py-1 text-right font-medium">
              max
            </th>
          </tr>
        </thead>
        <tbody>
          {shown.map((run) => (
            <tr key={run.key} className="border-t border-line">
              <th scope="row" className="py-1 text-left font-normal">
                {runLabel(run)}
              </th>
              {TABLE_PERCENTILES.map((p) => (
                <td key={p} className="num py-1 text-right" data-testid={`percentile-p${p}`}>
                  {formatDuration(valueOf(run.digest!.comparable!, `p${p}`, kind), CELL_DIGITS)}
                </td>
              ))}
              <td className="num py-1 text-right" data-testid="percentile-max">
                {formatDuration(valueOf(run.digest!.comparable!, "max", kind), CELL_DIGITS)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Panel>
  );
}
