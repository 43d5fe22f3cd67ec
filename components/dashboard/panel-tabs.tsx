"use client";

import { useRef } from "react";
import { PANELS, type Panel } from "@/lib/url/view-state";

export const PANEL_NAMES: Record<Panel, string> = {
  timeline: "Timeline",
  tick: "Tick pattern",
  spikes: "Periodic spikes",
  distribution: "Distributions",
  comparison: "Comparison",
  workbench: "SQL",
};

/** The panel switcher: a WAI-ARIA tab list (arrow keys move between tabs, Home/End jump). */
export function PanelTabs({ panel, onPanel }: { panel: Panel; onPanel: (panel: Panel) => void }) {
  const tabs = useRef<(HTMLButtonElement | null)[]>([]);
  const move = (to: number) => {
    const next = PANELS[(to + PANELS.length) % PANELS.length];
    onPanel(next);
    tabs.current[PANELS.indexOf(next)]?.focus();
  };
  return (
    <div role="tablist" aria-label="Views" className="flex gap-0.5 border-b border-line">
      {PANELS.map((name, i) => (
        <button
          key={name}
          ref={(element) => {
            tabs.current[i] = element;
          }}
          role="tab"
          id={`tab-${name}`}
          aria-selected={panel === name}
          aria-controls={`tabpanel-${name}`}
          tabIndex={panel === name ? 0 : -1}
          onClick={() => onPanel(name)}
          onKeyDown={(event) => {
            const keys: Record<string, number> = {
              ArrowRight: i + 1,
              ArrowLeft: i - 1,
              Home: 0,
              End: PANELS.length - 1,
            };
            if (event.key in keys) {
              event.preventDefault();
              move(keys[event.key]);
            }
          }}
          className={`-mb-px border-b-2 px-3 py-1.5 text-[12.5px] font-medium transition-colors ${
            panel === name ? "border-accent text-ink" : "border-transparent text-muted hover:text-ink"
          }`}
        >
          {PANEL_NAMES[name]}
        </button>
      ))}
    </div>
  );
}
