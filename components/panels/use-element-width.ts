"use client";

import { useEffect, useState, type RefObject } from "react";

/** The element's content width in CSS pixels, kept up to date. */
export function useElementWidth(ref: RefObject<HTMLElement | null>, fallback = 1000): number {
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) =>
      setWidth(Math.max(100, Math.round(entry.contentRect.width))),
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}
