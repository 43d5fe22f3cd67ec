"use client";

import { useEffect } from "react";
import { PLOT_GRID } from "../charts/timeline-layer";
import { panWindow, zoomWindow, type TimeWindow } from "./zoom";

/** One wheel notch (100 px of scroll) zooms by this factor. */
const NOTCH_FACTOR = 1.25;

/**
 * The wheel over the timeline: zooms around the pointer (shift, or a sideways scroll, pans). Every event
 * composes into the window of the next frame, so that a fast spin costs one picture per frame.
 */
export function useWheelZoom(
  element: HTMLElement | null,
  nextFrame: (next: (shown: TimeWindow) => TimeWindow) => void,
  start: number,
  end: number,
): void {
  useEffect(() => {
    if (!element) return;
    const onWheel = (event: WheelEvent) => {
      const box = element.getBoundingClientRect();
      const x = event.clientX - box.left;
      const plot = box.width - PLOT_GRID.left - PLOT_GRID.right;
      if (x < PLOT_GRID.left || x > PLOT_GRID.left + plot) return;
      event.preventDefault();
      const scale = event.deltaMode === 1 ? 40 : event.deltaMode === 2 ? 800 : 1;
      const dx = event.deltaX * scale;
      const dy = event.deltaY * scale;
      const at = (x - PLOT_GRID.left) / Math.max(1, plot);
      if (event.shiftKey || Math.abs(dx) > Math.abs(dy)) {
        const delta = Math.abs(dx) > Math.abs(dy) ? dx : dy;
        nextFrame((shown) => panWindow(shown, delta / Math.max(1, plot), start, end));
      } else {
        nextFrame((shown) =>
          zoomWindow(shown, NOTCH_FACTOR ** (dy / 100), start, end, shown.t0 + at * (shown.t1 - shown.t0)),
        );
      }
    };
    // Captured: ECharts' canvas stops the wheel event's propagation.
    element.addEventListener("wheel", onWheel, { passive: false, capture: true });
    return () => element.removeEventListener("wheel", onWheel, { capture: true });
  }, [element, nextFrame, start, end]);
}
