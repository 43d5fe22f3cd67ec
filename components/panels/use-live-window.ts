"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { flushSync } from "react-dom";
import type { TimeWindow } from "./zoom";

/** How long the window must rest before the dashboard (and the link in the address bar) hears of it. */
export const SETTLE_MS = 150;

function sameWindow(a: TimeWindow | null, b: TimeWindow | null): boolean {
  if (!a || !b) return a === b;
  // The dashboard keeps whole nanoseconds.
  return Math.abs(a.t0 - b.t0) < 1 && Math.abs(a.t1 - b.t1) < 1;
}

/**
 * The timeline's window as the input moves it: on screen at once (or at the next frame, for events that
 * come many per frame: the last of the frame wins), told to the dashboard only once it has rested, so
 * that a zoom or a drag re-renders the timeline alone. A window the dashboard sets itself (a link, a
 * click in another view, another run) replaces it.
 */
export function useLiveWindow(
  requested: TimeWindow | null,
  onWindow: (window: TimeWindow) => void,
  /** Called with each window the input sets, synchronously, before React renders it (the picture). */
  onInput?: (window: TimeWindow) => void,
) {
  const [live, setLiveState] = useState(requested);
  const [told, setTold] = useState(requested);
  const [seen, setSeen] = useState(requested);
  const latest = useRef(requested);
  const onWindowRef = useRef(onWindow);
  const onInputRef = useRef(onInput);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const untold = useRef<TimeWindow | null>(null);
  const frame = useRef<number | null>(null);
  const pending = useRef<((shown: TimeWindow | null) => TimeWindow) | null>(null);

  if (!sameWindow(seen, requested)) {
    setSeen(requested);
    if (!sameWindow(requested, told)) setLiveState(requested);
  }

  useEffect(() => {
    onWindowRef.current = onWindow;
    onInputRef.current = onInput;
  }, [onWindow, onInput]);
  useEffect(() => {
    latest.current = live;
  }, [live]);
  // A window set from outside cancels what the input was about to tell.
  useEffect(() => {
    if (sameWindow(requested, told)) return;
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    untold.current = null;
  }, [requested, told]);

  const tell = useCallback(() => {
    timer.current = null;
    const window = untold.current;
    untold.current = null;
    if (!window) return;
    setTold(window);
    onWindowRef.current(window);
  }, []);

  const setLive = useCallback(
    (next: TimeWindow) => {
      latest.current = next;
      onInputRef.current?.(next);
      setLiveState(next);
      untold.current = next;
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(tell, SETTLE_MS);
    },
    [tell],
  );

  const setLiveNextFrame = useCallback(
    (next: (shown: TimeWindow | null) => TimeWindow) => {
      const before = pending.current;
      pending.current = before ? (shown) => next(before(shown)) : next;
      if (frame.current !== null) return;
      frame.current = requestAnimationFrame(() => {
        frame.current = null;
        const apply = pending.current;
        pending.current = null;
        if (apply) flushSync(() => setLive(apply(latest.current)));
      });
    },
    [setLive],
  );

  useEffect(
    () => () => {
      if (frame.current !== null) cancelAnimationFrame(frame.current);
      // Leaving the view (another tab) still keeps where the input left it.
      if (timer.current) {
        clearTimeout(timer.current);
        tell();
      }
    },
    [tell],
  );

  return { live, setLive, setLiveNextFrame };
}
