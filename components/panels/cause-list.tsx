"use client";

import type { Cause } from "@/lib/analysis/attribution";
import { formatDuration, formatInstant } from "../charts/units";
import { CAUSE_COLOURS } from "./cause-colours";

export function causeText(cause: Cause): string {
  return cause.kind === "unexplained"
    ? "unexplained: the guest did not run (hypervisor, SMI, firmware)"
    : `${cause.kind} ${cause.name}`;
}

/**
 * What took one sample's lost time (its overhead, duration minus the baseline), by kernel event and
 * the unexplained rest, largest first: the one list wherever a spike's causes are shown.
 */
export function CauseList({
  ts,
  durationNs,
  causes,
  testId = "spike-cause-list",
}: {
  ts: number;
  durationNs: number;
  causes: readonly Cause[];
  testId?: string;
}) {
  return (
    <table className="mt-1.5" data-testid={testId}>
      <caption className="text-left text-muted">
        Spike at {formatInstant(ts, 1000)}: duration {formatDuration(durationNs)};{" "}
        {causes.length
          ? "its overhead (duration minus the baseline) went to"
          : "no overhead (it took no longer than the baseline)"}
      </caption>
      <tbody>
        {causes.map((cause) => (
          <tr key={`${cause.kind}:${cause.name}`} data-testid="spike-cause" data-kind={cause.kind}>
            <td className="pr-3">
              <span
                className="mr-1.5 inline-block h-2.5 w-2.5 rounded-sm align-middle"
                style={{ background: CAUSE_COLOURS[cause.kind] }}
              />
              {causeText(cause)}
            </td>
            <td className="num text-right">{formatDuration(cause.ns)} overhead</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
