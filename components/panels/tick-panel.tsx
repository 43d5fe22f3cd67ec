"use client";

import { useMemo, useRef, useState } from "react";
import { tickFootprint } from "@/lib/summary/tick";
import type { RunEntry, WindowColumns } from "@/lib/workspace/types";
import { PngButton } from "../charts/chart-actions";
import { EChart, type ChartHandle } from "../charts/echart";
import { tickLevels, tickPatternOption } from "../charts/options/tick-pattern";
import { formatDuration, formatInstant, unitFor } from "../charts/units";
import { Button } from "../ui/button";
import { Panel } from "../ui/panel";
import { runLabel } from "../workspace/run-label";
import { useWorkspace } from "../workspace/workspace-context";
import { exportMeta } from "./export-meta";
import { windowAround, type TimeWindow } from "./zoom";
import { useLatestAnswer } from "./use-latest-answer";

const PRESETS = [
  { periods: 1, name: "One tick period" },
  { periods: 10, name: "Ten tick periods" },
] as const;

interface Props {
  run: RunEntry | undefined;
  /** The moment to look around: the middle of the timeline's window. */
  centre: number | null;
  onOpenTimeline: (window: TimeWindow) => void;
}

/** The tick's footprint: raw samples over one or ten tick periods, the two levels and their difference. */
export function TickPanel({ run, centre, onOpenTimeline }: Props) {
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
          <dt className="text-muted">No tick</dt>
          <dd className="num text-[15px] font-semibold" data-testid="tick-level-none">
            {formatDuration(levels.noTickNs, 4)}
          </dd>
        </div>
        <div>
          <dt className="text-muted">Tick</dt>
          <dd className="num text-[15px] font-semibold" data-testid="tick-level-tick">
            {formatDuration(levels.tickNs, 4)}
          </dd>
        </div>
        <div>
          <dt className="text-muted">Tick cost</dt>
          <dd className="num text-[15px] font-semibold text-accent" data-testid="tick-cost">
            {formatDuration(tick.costNs, 4)}
          </dd>
        </div>
      </dl>
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
