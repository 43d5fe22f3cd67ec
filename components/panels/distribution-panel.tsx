"use client";

import { useMemo, useRef } from "react";
import type { RunEntry } from "@/lib/workspace/types";
import { PngButton } from "../charts/chart-actions";
import { EChart, type ChartHandle } from "../charts/echart";
import { histogramOption, percentileOption } from "../charts/options/distribution";
import { formatDuration } from "../charts/units";
import { Panel } from "../ui/panel";
import { runLabel } from "../workspace/run-label";
import { matchesRef, runRef } from "../workspace/run-ref";
import { exportMeta } from "./export-meta";

const TABLE_PERCENTILES = [50, 90, 99, 99.9, 99.99, 99.999];

/** Histograms and percentile spectra of the chosen runs, overlaid. */
export function DistributionPanel({
  runs,
  chosen,
  onChoose,
}: {
  runs: RunEntry[];
  chosen: string[];
  onChoose: (keys: string[]) => void;
}) {
  const histogramChart = useRef<ChartHandle>(null);
  const spectrumChart = useRef<ChartHandle>(null);
  const ready = runs.filter((run) => run.state === "ready" && run.digest);
  const shown = useMemo(() => {
    const picked = ready.filter((run) => chosen.some((ref) => matchesRef(run, ref)));
    return picked.length ? picked : ready.slice(0, 8);
  }, [ready, chosen]);
  const histogram = useMemo(
    () => histogramOption(shown.map((run) => ({ name: runLabel(run), ...run.digest!.histogram }))),
    [shown],
  );
  const spectrum = useMemo(
    () => percentileOption(shown.map((run) => ({ name: runLabel(run), points: run.digest!.percentiles }))),
    [shown],
  );
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
      actions={
        <fieldset className="flex flex-wrap items-center gap-x-3 gap-y-1 text-[12px]">
          <legend className="sr-only">Runs to overlay</legend>
          {ready.map((run) => (
            <label key={run.key} className="flex items-center gap-1">
              <input type="checkbox" checked={shown.includes(run)} onChange={() => toggle(run)} />
              {runLabel(run)}
            </label>
          ))}
        </fieldset>
      }
    >
      <div className="grid gap-3 lg:grid-cols-2">
        <figure>
          <figcaption className="flex items-center justify-between text-[12px] text-muted">
            Histogram (log–log){" "}
            <PngButton
              chart={histogramChart}
              name="histogram"
              meta={exportMeta(
                "Histogram (log–log)",
                shown,
                "x: duration, log scale · y: samples, log scale",
              )}
            />
          </figcaption>
          <div className="h-[300px]">
            <EChart
              ref={histogramChart}
              option={histogram}
              notMerge
              label="Latency histogram, log scale"
              className="h-full w-full"
            />
          </div>
        </figure>
        <figure>
          <figcaption className="flex items-center justify-between text-[12px] text-muted">
            Percentile spectrum{" "}
            <PngButton
              chart={spectrumChart}
              name="percentiles"
              meta={exportMeta("Percentile spectrum", shown, "y: duration, log scale · x: percentile")}
            />
          </figcaption>
          <div className="h-[300px]">
            <EChart
              ref={spectrumChart}
              option={spectrum}
              notMerge
              label="Percentile spectrum, log axis"
              className="h-full w-full"
            />
          </div>
        </figure>
      </div>
      <table className="mt-3 w-full text-[12px]" data-testid="percentile-table">
        <caption className="sr-only">Percentiles of each run</caption>
        <thead className="text-[11px] text-muted uppercase">
          <tr>
            <th scope="col" className="py-1 text-left font-medium">
              run
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
              {TABLE_PERCENTILES.map((p) => {
                const point = run.digest!.percentiles.find((pt) => pt.p === p);
                return (
                  <td key={p} className="num py-1 text-right">
                    {point ? formatDuration(point.value, 4) : "—"}
                  </td>
                );
              })}
              <td className="num py-1 text-right">{formatDuration(run.digest!.max.value, 4)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Panel>
  );
}
