import { describe, expect, it } from "vitest";
import { bytesSource } from "@/lib/format/byte-source";
import { readRunBatches } from "@/lib/format/run-reader";
import { encodeTickRun } from "@/lib/format/testing/tick-trace";
import { summarizeRun } from "@/lib/summary";
import { BatchCache } from "./batch-cache";

describe("BatchCache", () => {
  it("reads the run's footer once, not once per raw window", async () => {
    const { bytes, truth } = encodeTickRun({
      id: "t",
      environment: "kvm",
      scenario: "one-to-all",
      options: { samples: 200_000, batchRows: 10_000 },
    });
    const summary = await summarizeRun(readRunBatches(bytes, "t.arrow"), { test: "tick" });
    const plain = bytesSource(bytes);
    let tailReads = 0;
    const source = {
      size: plain.size,
      read: (offset: number, length: number) => {
        if (offset + length === plain.size) tailReads++;
        return plain.read(offset, length);
      },
    };
    const cache = new BatchCache("t.arrow", source, summary);
    const step = truth.endNs / 10;
    for (let i = 0; i < 10; i++) {
      const batches = await cache.covering(i * step, i * step + 1e6);
      expect(batches.length).toBeGreaterThan(0);
      expect(batches[0].ts[0]).toBeLessThanOrEqual(i * step + 1e6);
    }
    expect(tailReads).toBe(1);
  });
});
