import { describe, expect, it } from "vitest";
import type { RunEntry } from "@/lib/workspace/types";
import { exportMeta } from "./export-meta";

function run(id: string, label: string, kernel: string): RunEntry {
  return {
    key: id,
    id,
    source: "bundle",
    file: `runs/${id}.arrow`,
    test: "tick",
    fields: { label, host: { hypervisor: "KVM", kernel, hz: 250, clocksource: "tsc" } },
    state: "ready",
    progress: { bytes: 0, totalBytes: 0, samples: 0 },
  } as unknown as RunEntry;
}

describe("what an export says about itself", () => {
  it("names every run and each host once", () => {
    const meta = exportMeta(
      "Histogram",
      [
        run("a", "clock tick", "6.18"),
        run("b", "clock tick, memory load", "6.18"),
        run("c", "switch", "6.1"),
      ],
      "x: duration",
    );
    expect(meta).toEqual({
      title: "Histogram",
      run: "clock tick, clock tick, memory load, switch",
      host: "KVM · 6.18 · HZ=250 · tsc | KVM · 6.1 · HZ=250 · tsc",
      unit: "x: duration",
    });
  });
});
