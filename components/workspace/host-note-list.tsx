"use client";

import { hostNoteDetails, noteExplainsPeriod } from "@/lib/analysis/host-notes";
import type { HostFingerprint } from "@/lib/format/manifest";
import { formatDuration } from "../charts/units";

/** The host's notes in full, each saying which detected period it explains. */
export function HostNoteList({
  host,
  periods = [],
}: {
  host: HostFingerprint | undefined;
  periods?: { periodNs: number }[];
}) {
  const notes = hostNoteDetails(host);
  if (!notes.length) return null;
  return (
    <ul className="mb-2 space-y-1">
      {notes.map((note) => {
        const explained = periods.find((period) => noteExplainsPeriod(note, period.periodNs));
        return (
          <li
            key={note.topic}
            data-testid="host-note"
            data-topic={note.topic}
            className="rounded-md border border-warn/40 bg-warn/10 px-2 py-1 text-[12px] text-ink"
          >
            <span className="font-medium text-warn">Host note: </span>
            {note.text}
            {explained && (
              <span className="font-medium">
                {" "}
                The period every {formatDuration(explained.periodNs)} found here is this stall.
              </span>
            )}
          </li>
        );
      })}
    </ul>
  );
}
