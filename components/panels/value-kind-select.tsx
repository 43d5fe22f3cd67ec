"use client";

import { KIND_MEANING, VALUE_KINDS, type ValueKind } from "@/lib/analysis/value-kind";
import { Select } from "../ui/select";

/** Duration or overhead: one choice shared by Distributions, Comparison and the threshold (kept in the link). */
export function ValueKindSelect({ kind, onKind }: { kind: ValueKind; onKind: (kind: ValueKind) => void }) {
  return (
    <Select
      label="Show"
      value={kind}
      data-testid="value-kind"
      title={VALUE_KINDS.map((k) => `${k}: ${KIND_MEANING[k]}`).join("\n")}
      onChange={(event) => onKind(event.currentTarget.value as ValueKind)}
    >
      {VALUE_KINDS.map((k) => (
        <option key={k} value={k}>
          {k}
        </option>
      ))}
    </Select>
  );
}
