"use client";

import { useMemo, useRef, useState } from "react";
import { kindOffset, type ValueKind } from "@/lib/analysis/value-kind";
import { heatmapQuery } from "@/lib/queries/heatmap";
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
import { exportMeta } from "./export-meta";
import { FamilyCause, SpikeCauses } from "./spike-causes";
import { SqlButton } from "./sql-button";
import { ThresholdCountText, thresholdFor } from "./threshold-control";
import { useTablesQuery } from "./use-tables-query";
import type { TimeWindow } from "./zoom";

const ROWS = 50;

interface Layout {
  periodNs: number;
  phaseNs: number;
  secondStart: number;
  seconds: number;
}

/** The query's cells (second, column, largest overhead) laid out as the chart's grid. */
function cellsOf(rows: Record<string, unknown>[], layout: Layout): HeatmapCells {
  const values = new Float64Array(layout.seconds * ROWS).fill(NaN);
  let maxValue = 0;
  for (const row of rows) {
    const value = row.max_overhead_ns as number;
    values[(Number(row.second) - layout.secondStart) * ROWS + Number(row.col)] = value;
    if (value > maxValue) maxValue = value;
  }
  return { ...layout, rows: ROWS, values, maxValue };
}

/**
 * Periodic spikes: the detected periods and the subsecond-offset heat map of the chosen one, from
 * DuckDB (lib/queries/heatmap.ts over the `spikes` table).
 */
export function SpikesPanel({
  run,
  onZoom,
  thresholdNs,
  valueKind,
  onOpenSql,
}: {
  run: RunEntry | undefined;
  onZoom: (window: TimeWindow) => void;
  /** The shared threshold, in `valueKind`, or null for the run's own. */
  thresholdNs: number | null;
  valueKind: ValueKind;
  /** Opens the heat map's query in the SQL tab. */
  onOpenSql: (sql: string) => void;
}) {
  const chart = useRef<ChartHandle>(null);
  const digest = run?.digest;
  const periods = useMemo(() => digest?.periods ?? [], [digest]);
  const [chosen, setChosen] = useState<number | null>(null);
  const periodNs = chosen ?? periods[0]?.periodNs ?? 1e9;
  const summary = digest?.comparable;
  const counted = useMemo(
    () => (summary ? thresholdFor(summary, thresholdNs, valueKind) : null),
    [summary, thresholdNs, valueKind],
  );
  // The threshold as an overhead (the cells' kind), and the floor under which the summary keeps no sample.
  const atLeastNs =
    counted && summary ? counted.fromNs + kindOffset(summary.offsetNs, valueKind) - summary.offsetNs : null;
  const floorNs = summary?.spikes.thresholdNs ?? null;
  const layout = useMemo((): Layout | null => {
    if (!digest || !Number.isFinite(digest.startNs)) return null;
    const family = periods.find((f) => f.periodNs === periodNs);
    const secondStart = Math.floor(digest.startNs / 1e9);
    return {
      periodNs,
      // The family's spikes a quarter of the way up, so that a phase that wanders does not wrap.
      phaseNs: family ? (family.phaseNs - family.periodNs / 4 + family.periodNs) % family.periodNs : 0,
      secondStart,
      seconds: Math.floor(digest.endNs / 1e9) - secondStart + 1,
    };
  }, [digest, periods, periodNs]);
  const asked = useMemo(
    () => (run && run.state === "ready" && summary ? [{ key: run.key, label: runLabel(run) }] : []),
    [run, summary],
  );
  const query = useMemo(
    () =>
      asked.length && layout && atLeastNs !== null
        ? heatmapQuery({
            runId: asked[0].key,
            periodNs: layout.periodNs,
            phaseNs: layout.phaseNs,
            columns: ROWS,
            fromSecond: layout.secondStart,
            toSecond: layout.secondStart + layout.seconds - 1,
            atLeastNs,
          })
        : null,
    [asked, layout, atLeastNs],
  );
  const answer = useTablesQuery(query, asked, (rows) => (layout ? cellsOf(rows, layout) : null));
  const cells = answer.state === "ready" ? answer.data : answer.state === "waiting" ? answer.previous : null;
  const error = answer.state === "error" ? answer.error : null;

  const theme = useTheme();
  const option = useMemo(() => (cells ? heatmapOption(cells, HEAT_PALETTES[theme]) : {}), [cells, theme]);
  const hottest = useMemo(() => (cells ? hottestCells(cells, 5) : []), [cells]);
  // The cells drawn: one a row of the view's query (e2e views-sql checks the SQL button's answer has as many).
  const drawn = useMemo(
    () => (cells ? cells.values.filter((v) => !Number.isNaN(v)).length : undefined),
    [cells],
  );
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
      stale={answer.state === "waiting"}
      error={error}
      loadingText={answer.state === "waiting" ? answer.why : undefined}
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
          <SqlButton query={query} onOpenSql={onOpenSql} />
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
        {atLeastNs !== null && floorNs !== null && atLeastNs <= floorNs && (
          <span data-testid="heatmap-floor">
            {" "}
            The summary keeps the samples above {formatDuration(floorNs, 4)} overhead only: a cell whose
            largest overhead lies between the threshold and that is left empty too.
          </span>
        )}
      </p>
      <div
        className="h-[380px]"
        data-testid="heatmap-chart"
        data-seconds={cells?.seconds}
        data-rows={cells?.rows}
        data-cells={drawn}
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
