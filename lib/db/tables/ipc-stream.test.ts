import { tableFromIPC } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { syntheticSampleBatches } from "../../format/testing/synthetic-trace";
import { summarizeRun, type RunSummary } from "../../summary";
import { rowsToIpcStream } from "./ipc-stream";
import { summaryRows } from "./summary-rows";

const read = (bytes: Uint8Array) =>
  tableFromIPC(bytes)
    .toArray()
    .map((row) => row.toJSON());

describe("rows as Arrow IPC stream bytes", () => {
  it("a long run's columns (typed numbers, one repeated text) read back row for row", () => {
    const n = 100_003;
    const second = Float64Array.from({ length: n }, (_, i) => 40_000 + i);
    const max = Float64Array.from({ length: n }, (_, i) => 70_000 + ((i * 7919) % 5000));
    const runId = "bündle.zip/run ✓ 24h";
    const rows = read(
      rowsToIpcStream("seconds", {
        run_id: new Array<string>(n).fill(runId),
        second,
        max_ns: max,
        count: new Array<null>(n).fill(null),
      }),
    );
    expect(rows.length).toBe(n);
    for (const i of [0, 1, 4096, n - 1])
      expect(rows[i]).toEqual({ run_id: runId, second: second[i], max_ns: max[i], count: null });
    expect(rows.every((row, i) => row.run_id === runId && row.max_ns === max[i])).toBe(true);
  });

  it("texts that differ, nulls among texts and numbers keep their places", () => {
    const rows = read(
      rowsToIpcStream("load_errors", {
        run_id: ["a", null, "ünïcode", "a", ""],
        reason: [null, "x", "y", "z", "w"],
      }),
    );
    expect(rows).toEqual([
      { run_id: "a", reason: null },
      { run_id: null, reason: "x" },
      { run_id: "ünïcode", reason: "y" },
      { run_id: "a", reason: "z" },
      { run_id: "", reason: "w" },
    ]);
    const numbers = read(
      rowsToIpcStream("seconds", {
        run_id: ["r", "r", "r"],
        second: [1, null, 3],
        max_ns: [5, 6, 7],
        count: [null, 2, null],
      }),
    );
    expect(numbers.map((r) => [r.second, r.count])).toEqual([
      [1, null],
      [null, 2],
      [3, null],
    ]);
  });
});

describe("the spikes table's rows", () => {
  it("one row per timestamp: a repeated spike timestamp and the worst-K the list already holds go in once", async () => {
    const { batches } = syntheticSampleBatches({ samples: 20_000 });
    const real = await summarizeRun(batches, { test: "tick" });
    const summary: RunSummary = {
      ...real,
      spikes: {
        ...real.spikes,
        ts: Float64Array.of(10, 20, 20, 30),
        durationNs: Float64Array.of(500, 600, 650, 700),
      },
      worst: { ts: Float64Array.of(30, 5, 5, 20, 1), durationNs: Float64Array.of(700, 900, 900, 600, 800) },
    };
    const spikes = summaryRows(
      { runId: "r", bundle: "b", label: "l", fields: {}, hz: null },
      summary,
    ).spikes!;
    expect(Array.from(spikes.ts_ns)).toEqual([10, 20, 30, 5, 1]);
    expect(Array.from(spikes.duration_ns)).toEqual([500, 600, 700, 900, 800]);
    expect(Array.from(spikes.overhead_ns)).toEqual([500, 600, 700, 900, 800].map((d) => d - real.offsetNs));
    expect(spikes.run_id).toEqual(["r", "r", "r", "r", "r"]);
  });
});
