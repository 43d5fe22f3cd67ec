"use client";

import { useEffect, useRef } from "react";
import type { HostFingerprint } from "@/lib/format/manifest";
import { Button } from "../ui/button";
import { HostNoteList } from "./host-note-list";

/** Every recorded field, nested objects flattened to dotted keys. */
export function fingerprintRows(host: Record<string, unknown>, prefix = ""): [string, string][] {
  return Object.entries(host).flatMap(([key, value]): [string, string][] =>
    value !== null && typeof value === "object" && !Array.isArray(value)
      ? fingerprintRows(value as Record<string, unknown>, `${prefix}${key}.`)
      : [[`${prefix}${key}`, value === null ? "null" : String(value)]],
  );
}

/** The whole host fingerprint of a run, beside the page, with the host's notes. */
export function FingerprintDrawer({
  title,
  host,
  onClose,
}: {
  title: string;
  host: HostFingerprint;
  onClose: () => void;
}) {
  const drawer = useRef<HTMLElement>(null);
  useEffect(() => {
    drawer.current?.querySelector<HTMLButtonElement>('button[aria-label="Close"]')?.focus();
    const onKey = (event: KeyboardEvent) => event.key === "Escape" && onClose();
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose]);
  return (
    <aside
      ref={drawer}
      role="dialog"
      aria-label={`Host fingerprint of ${title}`}
      data-testid="fingerprint-drawer"
      className="fixed top-11 right-0 bottom-0 z-30 flex w-[min(32rem,100vw)] flex-col border-l border-line bg-surface shadow-xl"
    >
      <div className="flex items-center gap-2 border-b border-line px-3 py-2">
        <h2 className="truncate text-[13px] font-semibold">Host fingerprint · {title}</h2>
        <Button variant="ghost" className="ml-auto" aria-label="Close" onClick={onClose}>
          ×
        </Button>
      </div>
      <div className="flex-1 overflow-auto px-3 py-2">
        <HostNoteList host={host} />
        <table className="w-full border-collapse text-[12px]">
          <tbody>
            {fingerprintRows(host).map(([key, value]) => (
              <tr key={key} className="border-t border-line align-top">
                <th scope="row" className="num py-1 pr-3 text-left font-normal whitespace-nowrap text-muted">
                  {key}
                </th>
                <td className="num py-1 break-all text-ink">{value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </aside>
  );
}
