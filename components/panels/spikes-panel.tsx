"use client";

import { useMemo, useRef, useState } from "react";
import { kindOffset, type ValueKind } from "@/lib/analysis/value-kind";
import type { HeatmapCells, RunEntry } from "@/lib/workspace/types";
import { PngButton } from "../charts/chart-actions";
import { EChart, type ChartEvents, type ChartHandle } from "../charts/echart";
import { cellWindow, HEAT_PALETTES, heatmapOption, hottestCells } from "../charts/options/heatmap";
import { formatDuration, unitFor } from "../charts/units";
import { Button } from "../ui/button";
import { Panel } from "../ui/panel";
import { HostNoteList } from "../workspace/host-note-list";
import { runLabel } from "../workspace/run-label";
import { useTheme } from "../workspace/theme";
import { useWorkspace } from "../workspace/workspace-context";
import { exportMeta } from "./export-meta";
import { FamilyCause, SpikeCauses } from "./spike-causes";
import { ThresholdCountText, thresholdFor } from "./threshold-control";
import type { TimeWindow } from "./zoom";
import { useLatestAnswer } from "./use-latest-answer";

const ROWS = 50;

/** Periodic spikes: the detected periods and the subsecond-offset heat map of the chosen one. */
/** The heat map's cells with those under the threshold (as overhead, the cells' kind) left empty. */
function cellsAtOrAbove(cells: HeatmapCells, overheadNs: number): HeatmapCells {
  return { ...cells, values: cells.values.map((v) => (v >= overheadNs ? v : NaN)) };
}

export function SpikesPanel({
  run,
  onZoom,
  thresholdNs,
  valueKind,
}: {
  run: RunEntry | undefined;
  onZoom: (window: TimeWindow) => void;
  /** The shared threshold, in `valueKind`, or null for the run's own. */
  thresholdNs: number | null;
  valueKind: ValueKind;
}) {
  const workspace = useWorkspace();
  const chart = useRef<ChartHandle>(null);
  const digest = run?.digest;
  const periods = useMemo(() => digest?.periods ?? [], [digest]);
  const [chosen, setChosen] = useState<number | null>(null);
  const periodNs = chosen ?? periods[0]?.periodNs ?? 1e9;
  const ask = useMemo(
    () => (run && run.state === "ready" ? () => workspace.requestHeatmap(run.key, periodNs, ROWS) : null),
    [workspace, run, periodNs],
  );
  const { answer: allCells, error } = useLatestAnswer<HeatmapCells>(ask);
  const summary = digest?.comparable;
  const counted = useMemo(
    () => (summary ? thresholdFor(summary, thresholdNs, valueKind) : null),
    [summary, thresholdNs, valueKind],
  );
  const cells = useMemo(
    () =>
      allCells && counted && summary
        ? cellsAtOrAbove(
            allCells,
            counted.fromNs + kindOffset(summary.offsetNs, valueKind) - summary.offsetNs,
          )
        : allCells,
    [allCells, counted, summary, valueKind],
  );

  const theme = useTheme();
  const option = useMemo(() => (cells ? heatmapOption(cells, HEAT_PALETTES[theme]) : {}), [cells, theme]);
  const hottest = useMemo(() => (cells ? hottestCells(cells, 5) : []), [cells]);
  const events: ChartEvents = useMemo(
    () => ({
      click: (params: unknown) => {
        const datum = (params as { data?: [number, number, number] }).data;
        if (cells && datum) onZoom(cellWindow(cells, datum[0], datum[1]));
      },
    }),
    [cells, onZoom],
  );

  if (!run || !digest)
    return (
      <Panel
        title="Periodic spikes"
        testId="panel-spikes"
        state={run?.state === "loading" ? "loading" : "empty"}
        empty="Pick a run to see when its spikes recur."
      />
    );

  return (
    <Panel
      title="Periodic spikes"
      testId="panel-spikes"
      state={error ? "error" : cells ? "ready" : "loading"}
      error={error}
      subtitle={
        <span className="num">
          {runLabel(run)} · {counted ? <ThresholdCountText counted={counted} kind={valueKind} /> : null}
        </span>
      }
      actions={
        <>
          <div role="group" aria-label="Period" className="flex flex-wrap gap-1" data-testid="periods">
            {periods.length === 0 && (
              <span className="text-[12px] text-muted">No period detected; showing 1 s</span>
            )}
            {periods.map((period, i) => (
              <Button
                key={period.periodNs}
                data-period-ns={period.periodNs}
                pressed={period.periodNs === periodNs}
                onClick={() => setChosen(period.periodNs)}
              >
                every {formatDuration(period.periodNs)}
                <FamilyCause run={run} family={i} />
              </Button>
            ))}
          </div>
          <PngButton
            chart={chart}
            name={`heatmap-${run.id}`}
            meta={exportMeta(
              `Periodic spikes: largest overhead by second and offset in a ${formatDuration(periodNs)} period`,
              [run],
              `colour: overhead (${unitFor(cells?.maxValue ?? 0).name})`,
            )}
          />
        </>
      }
    >
      <HostNoteList host={run.fields.host} periods={periods} />
      <p className="mb-1 text-[12px] text-muted">
        Each cell: the largest overhead in that second at that offset within the period; cells with no sample
        at or above the threshold are left empty. Click a cell to open it in the timeline.
      </p>
      <div
        className="h-[380px]"
        data-testid="heatmap-chart"
        data-seconds={cells?.seconds}
        data-rows={cells?.rows}
      >
        <EChart
          ref={chart}
          option={option}
          notMerge
          events={events}
          label={`Heat map of the maximum overhead by second and offset within a ${formatDuration(periodNs)} period`}
          className="h-full w-full"
        />
      </div>
      <div className="mt-2 flex flex-wrap items-center gap-1.5 text-[12px]">
        <span className="text-muted">Hottest cells (overhead):</span>
        {hottest.map((cell) => (
          <Button
            key={`${cell.second}:${cell.row}`}
            data-testid="hot-cell"
            data-second={cell.second}
            data-row={cell.row}
            onClick={() => cells && onZoom(cellWindow(cells, cell.second, cell.row))}
          >
            <span className="num">
              {cells!.secondStart + cell.second} s +{" "}
              {formatDuration((cells!.phaseNs + (cell.row * periodNs) / ROWS) % periodNs)} ·{" "}
              {formatDuration(cell.value)}
            </span>
          </Button>
        ))}
      </div>
      <SpikeCauses run={run} />
    </Panel>
  );
}
