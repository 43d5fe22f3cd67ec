"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { DEFAULT_VIEW, parseViewState, serializeViewState, type ViewState } from "@/lib/url/view-state";

const WRITE_DELAY_MS = 300;

/**
 * The dashboard's view lives in the URL: read once on load, written back (replaceState, debounced) on
 * every change, so a copied link reopens the same view.
 */
export function useViewState(): [ViewState, (patch: Partial<ViewState>) => void] {
  const [view, setView] = useState<ViewState>(DEFAULT_VIEW);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const loaded = useRef(false);

  useEffect(() => {
    // The URL is only known in the browser; read it once after hydration.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setView(parseViewState(window.location.search));
    loaded.current = true;
  }, []);

  useEffect(() => {
    if (!loaded.current) return;
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      const kept = new URLSearchParams(window.location.search).get("demo");
      const query = serializeViewState(view) + (kept ? `&demo=${encodeURIComponent(kept)}` : "");
      const url = `${window.location.pathname}?${query}${window.location.hash}`;
      if (url !== `${window.location.pathname}${window.location.search}${window.location.hash}`)
        window.history.replaceState(window.history.state, "", url);
    }, WRITE_DELAY_MS);
    return () => {
      if (timer.current) clearTimeout(timer.current);
    };
  }, [view]);

  const update = useCallback(
    (patch: Partial<ViewState>) => setView((current) => ({ ...current, ...patch })),
    [],
  );
  return [view, update];
}
