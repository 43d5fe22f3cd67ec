"use client";

import type { ECharts } from "echarts/core";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { RunEntry, WindowColumns } from "@/lib/workspace/types";
import { PngButton } from "../charts/chart-actions";
import type { ChartEvents, ChartHandle } from "../charts/echart";
import { pickColumn, pickSample } from "../charts/options/timeline";
import { TimelineChart } from "../charts/timeline-chart";
import { PLOT_GRID } from "../charts/timeline-layer";
import { TimelinePainter } from "../charts/timeline-painter";
import { formatDuration, formatInstant, unitFor } from "../charts/units";
import { Button } from "../ui/button";
import { Panel } from "../ui/panel";
import { QuerySamplesButton } from "../workbench/query-samples-button";
import { runLabel } from "../workspace/run-label";
import { useWorkspace } from "../workspace/workspace-context";
import { exportMeta } from "./export-meta";
import { useElementWidth } from "./use-element-width";
import type { ValueKind } from "@/lib/analysis/value-kind";
import { ThresholdControl, thresholdAsDuration } from "./threshold-control";
import { typesText } from "./types-text";
import { clampWindow, keyAction, panWindow, windowAround, zoomWindow, type TimeWindow } from "./zoom";
import type { TimelineAxis } from "./timeline-axis";
import { useLiveWindow } from "./use-live-window";
import { useWheelZoom } from "./use-wheel-zoom";

interface Props {
  run: RunEntry | undefined;
  window: TimeWindow | null;
  onWindow: (window: TimeWindow) => void;
  /** In `valueKind` (duration or overhead), or null for the run's own. */
  thresholdNs: number | null;
  valueKind: ValueKind;
  onThreshold: (thresholdNs: number | null) => void;
  marker: { ts: number; value: number } | null;
  onMarker: (marker: { ts: number; value: number } | null) => void;
  logY: boolean;
  onLogY: (logY: boolean) => void;
  /** Drawn under the chart on its time axis (the kernel events track). */
  below?: (axis: TimelineAxis) => React.ReactNode;
  /** Opens the SQL tab with a query ("Query these samples" loads the window into `samples` first). */
  onQuerySamples?: (sql: string) => void;
}

function largest(values: Float64Array): number {
  let max = 0;
  for (const value of values) if (value > max) max = value;
  return max;
}

interface ZoomEvent {
  start?: number;
  end?: number;
  startValue?: number;
  endValue?: number;
}

/** The window a dataZoom event asks for: values (range select) or percentages of the whole run (wheel, slider). */
function zoomWindowOf(event: ZoomEvent, start: number, end: number): TimeWindow | null {
  if (event.startValue !== undefined && event.endValue !== undefined)
    return { t0: Number(event.startValue), t1: Number(event.endValue) };
  if (event.start !== undefined && event.end !== undefined)
    return { t0: start + ((end - start) * event.start) / 100, t1: start + ((end - start) * event.end) / 100 };
  return null;
}

/**
 * Every sample of a run: each pixel column shows the exact min and max under it (from the summary's
 * pyramid, or the raw samples when the window is small enough), down to single samples as points.
 */
export function TimelinePanel({
  run,
  window: requested,
  onWindow,
  thresholdNs,
  valueKind,
  onThreshold,
  marker,
  onMarker,
  logY,
  onLogY,
  below,
  onQuerySamples,
}: Props) {
  const workspace = useWorkspace();
  const chart = useRef<ChartHandle>(null);
  const [chartBox, width, chartElement] = useElementWidth<HTMLDivElement>();
  const digest = run?.digest;
  const start = digest?.startNs ?? 0;
  const end = digest?.endNs ?? 1;
  const columns = Math.max(100, width - PLOT_GRID.left - PLOT_GRID.right);
  const runKey = run?.key ?? null;
  const ready = run?.state === "ready";
  // The picture is drawn here, imperatively: an input draws it in its own task, an answer as it arrives.
  const painter = useMemo(() => new TimelinePainter(), []);
  const [data, setData] = useState<WindowColumns | null>(null);
  const [error, setError] = useState<string | null>(null);
  const asked = useRef<{ key: string; t0: number; t1: number; columns: number } | null>(null);
  const requestSeq = useRef(0);

  // Draws `window` at once (the last exact answer on the new axis, the coarse levels where it does not
  // reach) and asks the run's worker for its exact columns in the same task; only the latest answer is
  // drawn, as it arrives. React hears of both after the picture.
  const present = useCallback(
    (window: TimeWindow) => {
      painter.show(window.t0, window.t1);
      if (!runKey || !ready) return;
      asked.current = { key: runKey, t0: window.t0, t1: window.t1, columns };
      const seq = ++requestSeq.current;
      workspace.requestWindow(runKey, window.t0, window.t1, columns).then(
        (answer) => {
          if (!answer || seq !== requestSeq.current) return;
          painter.answer(answer);
          setData(answer);
          setError(null);
        },
        (reason: unknown) => {
          if (seq === requestSeq.current) setError(reason instanceof Error ? reason.message : String(reason));
        },
      );
    },
    [painter, workspace, runKey, ready, columns],
  );
  const presentRef = useRef(present);
  useEffect(() => {
    presentRef.current = present;
  }, [present]);

  // The window moves with the input at once; the dashboard (and the link) hear of it when it settles.
  const onInput = useCallback((window: TimeWindow) => presentRef.current(window), []);
  const { live, setLive, setLiveNextFrame } = useLiveWindow(requested, onWindow, onInput);
  const view = useMemo(
    () => (digest ? clampWindow(live ?? { t0: start, t1: end }, start, end) : null),
    [digest, live, start, end],
  );

  // Another run's answer is not this one's (declared before the effect below, so it runs first).
  const shownRun = useRef(runKey);
  useEffect(() => {
    if (shownRun.current === runKey) return;
    shownRun.current = runKey;
    requestSeq.current++;
    asked.current = null;
    painter.answer(null);
    setData(null);
    setError(null);
  }, [runKey, painter]);

  // A window the input did not draw (a link, another view, another run, the first one, a resize, the run
  // turning ready) is drawn and asked for here.
  useEffect(() => {
    if (!view) return;
    const shown = painter.window;
    const a = asked.current;
    const same = (w: { t0: number; t1: number } | null) =>
      !!w && Math.abs(w.t0 - view.t0) < 1 && Math.abs(w.t1 - view.t1) < 1;
    const current = same(shown) && (!ready || (!!a && a.key === runKey && a.columns === columns && same(a)));
    if (!current) present(view);
  }, [view, painter, present, ready, runKey, columns]);

  // A picked sample the view has moved away from is no longer picked.
  useEffect(() => {
    if (marker && view && (marker.ts < view.t0 || marker.ts > view.t1)) onMarker(null);
  }, [marker, view, onMarker]);

  // Where the window on screen lies in the chart's box: the plot's grid is fixed, so the tracks under
  // the chart line up with the samples while the window moves, before ECharts redraws its axis.
  const axis: TimelineAxis | null = useMemo(
    () =>
      view && width > PLOT_GRID.left + PLOT_GRID.right
        ? { t0: view.t0, t1: view.t1, columns, x0: PLOT_GRID.left, x1: width - PLOT_GRID.right }
        : null,
    [view, width, columns],
  );

  const shownThreshold = digest
    ? digest.comparable
      ? thresholdAsDuration(digest.comparable, thresholdNs, valueKind)
      : digest.thresholdNs
    : null;

  const setWindow = useCallback(
    (next: TimeWindow) => setLive(clampWindow(next, start, end)),
    [setLive, start, end],
  );
  // Wheel and drag events come many per frame: the last of each frame is drawn.
  const setWindowNextFrame = useCallback(
    (next: (shown: TimeWindow) => TimeWindow) =>
      setLiveNextFrame((shown) => clampWindow(next(shown ?? { t0: start, t1: end }), start, end)),
    [setLiveNextFrame, start, end],
  );
  useWheelZoom(chartElement, setWindowNextFrame, start, end);

  const events: ChartEvents = useMemo(
    () => ({
      datazoom: (params: unknown) => {
        // Read the window from the event (getOption() would copy the whole option, data included).
        const event = params as ZoomEvent & { batch?: ZoomEvent[] };
        const window = zoomWindowOf(event.batch?.[0] ?? event, start, end);
        if (window) setWindowNextFrame(() => window);
      },
      "zr:click": (params: unknown, instance: ECharts) => {
        const { offsetX, offsetY } = params as { offsetX: number; offsetY: number };
        // What is on screen now (the painter's), not React's last render of it.
        const data = painter.data;
        const view = painter.window;
        if (!data || !view || !instance.containPixel("grid", [offsetX, offsetY])) return;
        const t = view.t0 + ((offsetX - PLOT_GRID.left) / Math.max(1, columns)) * (view.t1 - view.t0);
        const nsPerPixel = (view.t1 - view.t0) / Math.max(1, columns);
        const picked = data.raw
          ? pickSample(data.raw, t, 6 * nsPerPixel)
          : pickColumn(data, t, 3 * nsPerPixel);
        if (picked) onMarker(picked);
      },
    }),
    [setWindowNextFrame, onMarker, painter, columns, start, end],
  );

  // The keys work while the timeline is on screen, wherever the focus is, except where they type text.
  const hasView = !!view;
  useEffect(() => {
    if (!hasView) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      if (typesText(event.target)) return;
      const shown = painter.window ?? { t0: start, t1: end };
      const next = keyAction(event.key, shown, start, end);
      if (!next) return;
      event.preventDefault();
      setWindow(next);
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [hasView, painter, start, end, setWindow]);

  const chartView = (
    <div
      ref={chartBox}
      tabIndex={0}
      role="group"
      aria-label="Timeline chart. Drag across it or use the wheel to zoom; plus and minus zoom, arrow keys pan, Home shows the whole run."
      aria-keyshortcuts="+ - ArrowLeft ArrowRight Home"
      data-testid="timeline-chart"
      className="h-[360px] w-full rounded"
    >
      <TimelineChart
        ref={chart}
        painter={painter}
        target={chartElement}
        t0={view && data ? view.t0 : 0}
        t1={view && data ? view.t1 : 1}
        startNs={data ? start : 0}
        endNs={data ? end : 1}
        columns={columns}
        coarse={digest?.coarse ?? null}
        thresholdNs={data ? shownThreshold : null}
        marker={marker}
        logY={logY}
        events={events}
        label={run ? `Timeline of ${runLabel(run)}: min and max per pixel column` : "Timeline"}
      />
    </div>
  );

  if (!run || (run.state === "loading" && !digest))
    return (
      <Panel
        title="Timeline"
        testId="panel-timeline"
        state={run ? "loading" : "empty"}
        loadingText={run ? `Summarising ${run.file}…` : undefined}
        empty="Open a bundle or run files, then pick a run to see every sample."
        keepChildren
      >
        {/* The same children as below, so that the chart stays mounted when the summary arrives. */}
        {null}
        {chartView}
      </Panel>
    );
  if (!digest || !view)
    return (
      <Panel
        title="Timeline"
        testId="panel-timeline"
        state="empty"
        empty="Open a bundle or run files, then pick a run to see every sample."
      />
    );

  const worst = digest.max;
  const samplesInView = data?.samples;
  return (
    <Panel
      title="Timeline"
      testId="panel-timeline"
      state={error ? "error" : data ? "ready" : "loading"}
      error={error}
      loadingText="Reading the window…"
      keepChildren
      subtitle={
        <span className="num">
          {runLabel(run)} · {formatInstant(view.t0, (view.t1 - view.t0) / 1000)} –{" "}
          {formatInstant(view.t1, (view.t1 - view.t0) / 1000)} · span {formatDuration(view.t1 - view.t0)}
          {samplesInView !== undefined && ` · ${samplesInView.toLocaleString("en-US")} samples`}
          {data && ` · from ${data.source === "raw" ? "raw samples" : "summary"}`}
        </span>
      }
      actions={
        <>
          <Button
            aria-label="Zoom in"
            aria-keyshortcuts="+"
            onClick={() => setWindow(zoomWindow(view, 0.5, start, end))}
          >
            +
          </Button>
          <Button
            aria-label="Zoom out"
            aria-keyshortcuts="-"
            onClick={() => setWindow(zoomWindow(view, 2, start, end))}
          >
            −
          </Button>
          <Button
            aria-label="Pan earlier"
            aria-keyshortcuts="ArrowLeft"
            onClick={() => setWindow(panWindow(view, -0.25, start, end))}
          >
            ←
          </Button>
          <Button
            aria-label="Pan later"
            aria-keyshortcuts="ArrowRight"
            onClick={() => setWindow(panWindow(view, 0.25, start, end))}
          >
            →
          </Button>
          <Button aria-keyshortcuts="Home" onClick={() => setWindow({ t0: start, t1: end })}>
            Whole run
          </Button>
          <Button pressed={logY} onClick={() => onLogY(!logY)} title="Logarithmic duration axis">
            Log axis
          </Button>
          <PngButton
            chart={chart}
            name={`timeline-${run.id}`}
            meta={exportMeta(
              "Timeline",
              [run],
              `y: duration of each sample${logY ? ", log scale" : ""} (${unitFor(data ? largest(data.max) : worst.value).name})`,
            )}
          />
          {onQuerySamples && run.state === "ready" && digest.kind === "samples" && (
            <QuerySamplesButton run={run} window={view} endNs={end} onOpen={onQuerySamples} />
          )}
        </>
      }
    >
      <div className="mb-2 flex flex-wrap items-center gap-x-4 gap-y-1 text-[12px]">
        <span className="text-muted">
          Worst spike{" "}
          <b className="num text-ink" data-testid="worst-value">
            {formatDuration(worst.value, 4)}
          </b>
          {worst.ts !== null && (
            <>
              {" "}
              at{" "}
              <b className="num text-ink" data-testid="worst-time">
                {formatInstant(worst.ts, 1)}
              </b>
            </>
          )}
        </span>
        {worst.ts !== null && (
          <Button
            onClick={() => {
              setWindow(
                windowAround(worst.ts!, Math.max(digest.tick?.periodNs ?? 1e6, 1e6) * 10, start, end),
              );
              onMarker({ ts: worst.ts!, value: worst.value });
            }}
          >
            Zoom to worst spike
          </Button>
        )}
        <ThresholdControl
          digest={digest}
          thresholdNs={thresholdNs}
          kind={valueKind}
          onThreshold={onThreshold}
        />
        <span aria-live="polite" className="text-muted" data-testid="picked">
          {marker ? (
            <>
              Picked{" "}
              <b className="num text-ink" data-testid="picked-value">
                {formatDuration(marker.value, 4)}
              </b>{" "}
              at{" "}
              <b className="num text-ink" data-testid="picked-time">
                {formatInstant(marker.ts, 1)}
              </b>
            </>
          ) : (
            "Click a spike to read its exact time and value."
          )}
        </span>
      </div>
      {chartView}
      {axis && below?.(axis)}
    </Panel>
  );
}
