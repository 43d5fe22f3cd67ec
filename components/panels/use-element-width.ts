"use client";

import { useEffect, useState } from "react";

/**
 * The content width in CSS pixels of the element given to the returned ref callback, kept up to date
 * (also when the element appears after the first render), and the element itself.
 */
export function useElementWidth<T extends HTMLElement>(
  fallback = 1000,
): [(element: T | null) => void, number, T | null] {
  const [element, setElement] = useState<T | null>(null);
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    if (!element) return;
    const observer = new ResizeObserver(([entry]) =>
      setWidth(Math.max(100, Math.round(entry.contentRect.width))),
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [element]);
  return [setElement, width, element];
}
