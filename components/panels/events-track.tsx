"use client";

import { useId, useMemo, useState } from "react";
import type { CauseKind } from "@/lib/analysis/attribution";
import { EVENT_KINDS, type EventKind } from "@/lib/format/events-contract";
import type { EventsWindow, RunEntry } from "@/lib/workspace/types";
import { formatDuration, formatInstant } from "../charts/units";
import { useWorkspace } from "../workspace/workspace-context";
import { CAUSE_COLOURS } from "./cause-colours";
import type { TimelineAxis } from "./timeline-axis";
import { useLatestAnswer } from "./use-latest-answer";

const ROW_PX = 11;
const HEIGHT_PX = EVENT_KINDS.length * ROW_PX + 2;

interface Hover {
  x: number;
  y: number;
  lines: string[];
}

function rowOf(kind: EventKind): number {
  return EVENT_KINDS.indexOf(kind);
}

/**
 * The lines the tooltip shows for the pointer at time t in a kind's row (within `slackNs`); binned, for
 * the column (of the bins' own window) that holds t, over its true span.
 */
function describe(
  events: EventsWindow,
  kind: EventKind,
  t: number,
  slackNs: number,
  column: number,
): string[] {
  if (events.exact) {
    const { ts, end, name } = events.exact;
    const lines: string[] = [];
    let more = 0;
    for (let i = 0; i < ts.length; i++) {
      if (events.exact.kind[i] !== kind || ts[i] > t + slackNs || end[i] < t - slackNs) continue;
      if (lines.length < 4)
        lines.push(`${kind} ${name[i]}: ${formatDuration(end[i] - ts[i])} from ${formatInstant(ts[i], 1)}`);
      else more++;
    }
    if (more) lines.push(`and ${more} more`);
    return lines;
  }
  const bins = events.bins!;
  const k = bins.kinds.indexOf(kind);
  if (column < 0 || column >= bins.columns || k < 0) return [];
  const busy = bins.busyNs[column * bins.kinds.length + k];
  const started = bins.events[column * bins.kinds.length + k];
  if (!busy && !started) return [];
  const step = (bins.t1 - bins.t0) / bins.columns;
  const from = bins.t0 + column * step;
  return [
    `${kind}: ${started.toLocaleString("en-US")} event${started === 1 ? "" : "s"} starting, ${formatDuration(busy)} covered`,
    `in ${formatInstant(from, step)} – ${formatInstant(from + step, step)} (${((100 * busy) / step).toFixed(1)}% of it)`,
  ];
}

/** The marks of an answer, in its own window mapped onto the plot's [x0, x1]. */
function eventMarks(events: EventsWindow, x0: number, x1: number): React.ReactNode[] {
  const xOf = (t: number) => x0 + ((t - events.t0) / (events.t1 - events.t0)) * (x1 - x0);
  const marks: React.ReactNode[] = [];
  if (events.exact) {
    const { ts, end, kind, name } = events.exact;
    for (let i = 0; i < ts.length; i++) {
      const a = xOf(Math.max(ts[i], events.t0));
      const b = xOf(Math.min(end[i], events.t1));
      marks.push(
        <rect
          key={i}
          data-testid="event-mark"
          data-kind={kind[i]}
          data-name={name[i]}
          data-ts={ts[i]}
          x={a}
          y={rowOf(kind[i]) * ROW_PX + 1}
          width={Math.max(1, b - a)}
          height={ROW_PX - 2}
          fill={CAUSE_COLOURS[kind[i] as CauseKind]}
        />,
      );
    }
  } else if (events.bins) {
    // The bins' own window may be wider than the answer's (snapped outward to the run's fine bins).
    const { columns: n, kinds, busyNs } = events.bins;
    const step = (events.bins.t1 - events.bins.t0) / n;
    const w = xOf(events.bins.t0 + step) - xOf(events.bins.t0);
    for (let c = 0; c < n; c++)
      for (let k = 0; k < kinds.length; k++) {
        const busy = busyNs[c * kinds.length + k];
        if (!(busy > 0) && !events.bins.events[c * kinds.length + k]) continue;
        marks.push(
          <rect
            key={`${c}:${k}`}
            data-testid="event-bin"
            data-kind={kinds[k]}
            data-from={events.bins.t0 + c * step}
            x={xOf(events.bins.t0 + c * step)}
            y={rowOf(kinds[k]) * ROW_PX + 1}
            width={Math.max(1, w)}
            height={ROW_PX - 2}
            fill={CAUSE_COLOURS[kinds[k]]}
            fillOpacity={0.3 + 0.7 * Math.min(1, busy / step)}
          />,
        );
      }
  }
  return marks;
}

/**
 * The run's kernel events under the timeline's samples, on the chart's own time axis: one row per
 * kind, each event a mark in its kind's colour over the time it covers; when the window holds too many,
 * per pixel column how much of it each kind covers (darker: more). Hover for names and durations.
 */
export function EventsTrack({ run, axis }: { run: RunEntry; axis: TimelineAxis }) {
  const workspace = useWorkspace();
  const [hover, setHover] = useState<Hover | null>(null);
  const clipId = `events-plot-${useId().replace(/[^a-zA-Z0-9_-]/g, "")}`;
  const recorded = !!run.events?.attribution;
  const { t0, t1, columns } = axis;
  const ask = useMemo(
    () => (recorded ? () => workspace.requestEventsWindow(run.key, t0, t1, columns) : null),
    [workspace, run.key, recorded, t0, t1, columns],
  );
  const { answer, error } = useLatestAnswer<EventsWindow | null>(ask);
  // In the answer's own window; kept while the window moves, so that a pan re-renders one transform.
  const marks = useMemo(
    () => (answer ? eventMarks(answer, axis.x0, axis.x1) : []),
    [answer, axis.x0, axis.x1],
  );
  if (run.events === undefined)
    return (
      <p className="text-[12px] text-muted" data-testid="events-track" data-events="reading">
        Reading the run&apos;s kernel events…
      </p>
    );
  if (!recorded) return null;
  if (error)
    return (
      <p className="text-[12px] text-danger" data-testid="events-track" data-events="recorded">
        The events of this window could not be read: {error}
      </p>
    );
  const events = answer;
  // Drawn on the chart's own axis: exactly once it draws the window this answer is for; meanwhile (a pan,
  // a zoom) the last answer is moved and stretched onto the window on screen instead of going blank.
  const ready = !!events && events.t0 === axis.t0 && events.t1 === axis.t1;
  const { x0, x1 } = axis;
  const span = axis.t1 - axis.t0 || 1;
  const placed = events
    ? `translate(${x0 + ((events.t0 - axis.t0) / span) * (x1 - x0)} 0) scale(${(events.t1 - events.t0) / span} 1) translate(${-x0} 0)`
    : undefined;

  const onMove = (event: React.MouseEvent<SVGSVGElement>) => {
    if (!ready || !events) return;
    const box = event.currentTarget.getBoundingClientRect();
    const x = event.clientX - box.left;
    const y = event.clientY - box.top;
    const kind = EVENT_KINDS[Math.floor(y / ROW_PX)];
    if (!kind || x < x0 || x > x1) return setHover(null);
    const nsPerPx = (events.t1 - events.t0) / (x1 - x0);
    const t = events.t0 + (x - x0) * nsPerPx;
    const bins = events.bins;
    const column = bins ? Math.floor(((t - bins.t0) / (bins.t1 - bins.t0)) * bins.columns) : -1;
    const lines = describe(events, kind, t, 2 * nsPerPx, column);
    setHover(lines.length ? { x, y, lines } : null);
  };

  return (
    <div
      className="relative mt-1 w-full"
      data-testid="events-track"
      data-events="recorded"
      data-window={events ? `${events.t0}:${events.t1}` : ""}
      data-plot={ready ? `${x0}:${x1}` : ""}
      data-count={events?.count ?? ""}
      data-binned={events ? String(!!events.bins) : ""}
      data-bins={events?.bins ? `${events.bins.t0}:${events.bins.t1}:${events.bins.columns}` : ""}
    >
      <svg
        role="img"
        aria-label={`Kernel events in the window: ${events?.count.toLocaleString("en-US") ?? "reading"}, one row per kind`}
        width="100%"
        height={HEIGHT_PX}
        onMouseMove={onMove}
        onMouseLeave={() => setHover(null)}
      >
        <defs>
          <clipPath id={clipId}>
            <rect x={x0} y={0} width={Math.max(0, x1 - x0)} height={HEIGHT_PX} />
          </clipPath>
        </defs>
        {events &&
          EVENT_KINDS.map((kind, r) => (
            <g key={kind}>
              <line
                x1={x0}
                x2={x1}
                y1={r * ROW_PX + ROW_PX / 2}
                y2={r * ROW_PX + ROW_PX / 2}
                stroke="currentColor"
                strokeOpacity={0.12}
              />
              <text
                x={x0 - 6}
                y={r * ROW_PX + ROW_PX - 2}
                textAnchor="end"
                fontSize={9}
                fill="currentColor"
                className="text-muted"
              >
                {kind}
              </text>
            </g>
          ))}
        <g clipPath={`url(#${clipId})`}>
          <g transform={placed}>{marks}</g>
        </g>
      </svg>
      {hover && (
        <div
          data-testid="events-tooltip"
          className="pointer-events-none absolute z-10 rounded border border-line bg-surface px-2 py-1 text-[11px] whitespace-nowrap shadow"
          style={{ left: Math.min(hover.x + 12, Math.max(0, x1 - 260)), top: hover.y + 12 }}
        >
          {hover.lines.map((line) => (
            <div key={line} className="num">
              {line}
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
