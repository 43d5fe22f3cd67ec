"use client";

import { useMemo, useRef, useState } from "react";
import { tickFoldQuery } from "@/lib/queries/tick-fold";
import { tickFootprint } from "@/lib/summary/tick";
import type { RunEntry, WindowColumns } from "@/lib/workspace/types";
import { PngButton } from "../charts/chart-actions";
import { EChart, type ChartHandle } from "../charts/echart";
import { tickFoldOption, type TickFoldInput } from "../charts/options/tick-fold";
import { tickLevels, tickPatternOption } from "../charts/options/tick-pattern";
import { formatDuration, formatInstant, unitFor } from "../charts/units";
import { Button } from "../ui/button";
import { Panel } from "../ui/panel";
import { runLabel } from "../workspace/run-label";
import { useWorkspace } from "../workspace/workspace-context";
import { exportMeta } from "./export-meta";
import { SqlButton } from "./sql-button";
import { useTablesQuery } from "./use-tables-query";
import { windowAround, type TimeWindow } from "./zoom";
import { useLatestAnswer } from "./use-latest-answer";

/** Most points the folded profile draws; the fold's bins are summed a whole number at a time to stay under it. */
const FOLD_POINTS = 512;

function foldOf(rows: Record<string, unknown>[], periodNs: number): TickFoldInput {
  return {
    periodNs,
    fromTickNs: rows.map((r) => r.from_tick_ns as number),
    widthNs: rows.map((r) => r.width_ns as number),
    meanExcessNs: rows.map((r) => (r.mean_excess_ns as number | null) ?? null),
    samples: rows.map((r) => r.samples as number),
  };
}

const PRESETS = [
  { periods: 1, name: "One tick period" },
  { periods: 10, name: "Ten tick periods" },
] as const;

interface Props {
  run: RunEntry | undefined;
  /** The moment to look around: the middle of the timeline's window. */
  centre: number | null;
  onOpenTimeline: (window: TimeWindow) => void;
  /** Opens the folded profile's query in the SQL tab. */
  onOpenSql: (sql: string) => void;
}

/**
 * The tick's footprint: its folded profile over one period (from DuckDB: lib/queries/tick-fold.ts over
 * `tick_fold`), and raw samples over one or ten tick periods, the two levels and their difference.
 */
export function TickPanel({ run, centre, onOpenTimeline, onOpenSql }: Props) {
  const workspace = useWorkspace();
  const chart = useRef<ChartHandle>(null);
  const [periods, setPeriods] = useState<1 | 10>(1);
  const [moment, setMoment] = useState<number | null>(null);
  const digest = run?.digest;
  const tick = digest?.tick ?? null;
  const at = moment ?? centre ?? (digest ? (digest.startNs + digest.endNs) / 2 : 0);
  const view = useMemo(
    () => (digest && tick ? windowAround(at, tick.periodNs * periods, digest.startNs, digest.endNs) : null),
    [digest, tick, at, periods],
  );

  const ask = useMemo(
    () =>
      run && view && run.state === "ready"
        ? () => workspace.requestWindow(run.key, view.t0, view.t1, 1000, 500_000, "tick")
        : null,
    [workspace, run, view],
  );
  const { answer: data, error } = useLatestAnswer<WindowColumns>(ask);

  const foldBins = digest?.comparable?.tick?.fold?.samples.length ?? 0;
  const asked = useMemo(
    () => (run && run.state === "ready" && foldBins > 0 ? [{ key: run.key, label: runLabel(run) }] : []),
    [run, foldBins],
  );
  const foldQuery = useMemo(
    () =>
      asked.length
        ? tickFoldQuery({ runId: asked[0].key, binsPerColumn: Math.ceil(foldBins / FOLD_POINTS) })
        : null,
    [asked, foldBins],
  );
  const periodNs = tick?.periodNs ?? 0;
  const foldAnswer = useTablesQuery(foldQuery, asked, (rows) => foldOf(rows, periodNs));
  const fold =
    foldAnswer.state === "ready"
      ? foldAnswer.data
      : foldAnswer.state === "waiting"
        ? foldAnswer.previous
        : null;
  const foldOption = useMemo(() => (fold && fold.fromTickNs.length ? tickFoldOption(fold) : {}), [fold]);

  // The levels of this window's own samples: on a VM the loop's time wanders away from the baseline.
  const footprint = useMemo(() => {
    if (!data?.raw || !tick || !view) return null;
    const found = tickFootprint(data.raw.ts, data.raw.value, tick, view.t0, view.t1);
    return Number.isFinite(found.noTickNs)
      ? found
      : { ...found, noTickNs: tick.noTickNs, tickNs: tick.tickNs };
  }, [data, tick, view]);
  const option = useMemo(
    () =>
      data?.raw && footprint && view
        ? tickPatternOption({
            t0: view.t0,
            t1: view.t1,
            ts: data.raw.ts,
            value: data.raw.value,
            noTickNs: footprint.noTickNs,
            tickNs: footprint.tickNs,
            instants: footprint.instants,
          })
        : {},
    [data, footprint, view],
  );

  if (!run || !digest)
    return (
      <Panel
        title="Tick pattern"
        testId="panel-tick"
        state={run?.state === "loading" ? "loading" : "empty"}
        empty="Pick a tick run to see the tick's footprint."
      />
    );
  if (!tick)
    return (
      <Panel
        title="Tick pattern"
        testId="panel-tick"
        state="empty"
        empty={`No periodic tick was found in ${runLabel(run)}.`}
      />
    );

  const levels = footprint ?? tick;
  const labels = tickLevels(levels.noTickNs, levels.tickNs);
  return (
    <Panel
      title="Tick pattern"
      testId="panel-tick"
      state={error ? "error" : !data?.raw ? "loading" : data.raw.ts.length ? "ready" : "empty"}
      stale={foldAnswer.state === "waiting" && foldQuery !== null}
      error={error}
      empty={
        view && (
          <span data-testid="tick-window-empty">
            No sample starts between {formatInstant(view.t0, 1)} and {formatInstant(view.t1, 1)}: the window
            lies inside one longer sample (a stall, such as RT throttling&apos;s). Pick another moment, or
            open it in the timeline.
          </span>
        )
      }
      subtitle={
        <span className="num">
          {runLabel(run)} · period {formatDuration(tick.periodNs)} · around{" "}
          {formatInstant(at, tick.periodNs / 100)}
        </span>
      }
      actions={
        <>
          <div role="group" aria-label="Window" className="flex gap-1">
            {PRESETS.map((preset) => (
              <Button
                key={preset.periods}
                pressed={periods === preset.periods}
                onClick={() => setPeriods(preset.periods)}
              >
                {preset.name}
              </Button>
            ))}
          </div>
          <label className="flex items-center gap-1 text-[12px] text-muted">
            at (s)
            <input
              type="number"
              step="any"
              min={digest.startNs / 1e9}
              max={digest.endNs / 1e9}
              aria-label="Moment to look around, in seconds"
              defaultValue={(at / 1e9).toFixed(3)}
              key={Math.round(at / 1e6)}
              onKeyDown={(event) => {
                if (event.key === "Enter") setMoment(Number(event.currentTarget.value) * 1e9);
              }}
              onBlur={(event) => setMoment(Number(event.currentTarget.value) * 1e9)}
              className="num h-7 w-28 rounded-md border border-line bg-surface px-1.5 text-ink"
            />
          </label>
          {view && <Button onClick={() => onOpenTimeline(view)}>Open in timeline</Button>}
          <SqlButton query={foldQuery} onOpenSql={onOpenSql} />
          <PngButton
            chart={chart}
            name={`tick-pattern-${run.id}`}
            meta={exportMeta(
              `Tick pattern: ${labels.noTick}, ${labels.tick}, ${labels.cost}`,
              [run],
              `y: duration of each sample (${unitFor(levels.tickNs).name})`,
            )}
          />
        </>
      }
    >
      <dl className="mb-2 grid grid-cols-[repeat(3,auto)] justify-start gap-x-6 text-[12px]">
        <div>
          <dt className="text-muted">No tick (duration)</dt>
          <dd className="num text-[15px] font-semibold" data-testid="tick-level-none">
            {formatDuration(levels.noTickNs, 4)}
          </dd>
        </div>
        <div>
          <dt className="text-muted">Tick (duration)</dt>
          <dd className="num text-[15px] font-semibold" data-testid="tick-level-tick">
            {formatDuration(levels.tickNs, 4)}
          </dd>
        </div>
        <div>
          <dt className="text-muted">Tick cost (overhead)</dt>
          <dd className="num text-[15px] font-semibold text-accent" data-testid="tick-cost">
            {formatDuration(tick.costNs, 4)}
          </dd>
        </div>
      </dl>
      <section aria-label="Folded over one tick period" data-testid="tick-fold" data-state={foldAnswer.state}>
        <h3 className="text-[12px] font-medium text-muted">
          Folded over one period: the mean excess (overhead) of the samples at each distance from the tick,
          over the stretch the tick was found in
        </h3>
        {foldQuery === null ? (
          <p className="py-3 text-[12px] text-muted" data-testid="tick-fold-absent">
            This run&apos;s summary holds no folded profile (a summary saved before tickscope kept one): open
            the run file without it to fold it again.
          </p>
        ) : foldAnswer.state === "error" ? (
          <p role="alert" className="py-3 text-[12px] text-danger">
            {foldAnswer.error}
          </p>
        ) : !fold ? (
          <p className="py-3 text-[12px] text-muted" role="status">
            {foldAnswer.state === "waiting" ? foldAnswer.why : null}
          </p>
        ) : (
          <div className="h-[220px]" data-testid="tick-fold-chart" data-points={fold.fromTickNs.length}>
            <EChart
              option={foldOption}
              notMerge
              label={`Mean excess by distance from the tick, over one ${formatDuration(tick.periodNs)} period`}
              className="h-full w-full"
            />
          </div>
        )}
      </section>
      <h3 className="mt-2 text-[12px] font-medium text-muted">
        The samples over {periods === 1 ? "one tick period" : "ten tick periods"} around the moment chosen
      </h3>
      <div className="h-[320px]">
        <EChart
          ref={chart}
          option={option}
          notMerge
          label={`Samples over ${periods} tick period${periods > 1 ? "s" : ""}: ${labels.noTick}, ${labels.tick}, ${labels.cost}`}
          className="h-full w-full"
        />
      </div>
    </Panel>
  );
}
