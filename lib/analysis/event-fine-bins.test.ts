import { describe, expect, it } from "vitest";
import type { EventIntervals } from "./attribution";
import { EVENT_KINDS } from "../format/events-contract";
import { EventFineBins, FINE_BINS } from "./event-fine-bins";
import { batchesOf, columnsByBruteForce, intervals, random, randomRun } from "./testing/attribution-fixtures";

function filled(events: EventIntervals, bins: number, batch = 97) {
  const table = new EventFineBins(bins);
  for (const part of batchesOf(events, batch)) table.add(part);
  return table;
}

describe("the events' fine bins", () => {
  it("answers windows at several zooms and offsets as each event checked against each column does, after widening many times", async () => {
    const { events, summary } = await randomRun(21);
    const table = filled(events, 256);
    // ~2 s of events in 256 bins of 1,024 ns × 2^n: widened a dozen times.
    expect(table.binNs).toBeGreaterThanOrEqual(1024 * 2 ** 10);
    const span = summary.spanNs;
    const next = random(21);
    const windows: [number, number, number][] = [
      [0, span, 100],
      [-span, 2 * span, 60],
      [span * 0.25, span * 0.5, 40],
      [span * 0.9, span * 1.4, 33],
      [events.ts[0], events.ts[0] + 64 * table.binNs, 64],
    ];
    for (let q = 0; q < 12; q++) {
      const t0 = (next() - 0.1) * span;
      windows.push([t0, t0 + table.binNs * (5 + next() * 400), 7 + Math.floor(next() * 60)]);
    }
    let answered = 0;
    const kindsSeen = new Set<string>();
    for (const [t0, t1, columns] of windows) {
      const got = table.columns(t0, t1, columns);
      if (!got) {
        expect((t1 - t0) / columns).toBeLessThan(table.binNs);
        continue;
      }
      answered++;
      expect(got.t0).toBeLessThanOrEqual(t0);
      expect(got.t1).toBeGreaterThanOrEqual(t1);
      expect(got.columns).toBeLessThanOrEqual(columns + 2);
      const width = (got.t1 - got.t0) / got.columns;
      expect(width % table.binNs).toBe(0);
      expect(width).toBeGreaterThanOrEqual((t1 - t0) / columns);
      const want = columnsByBruteForce(events, got);
      expect([...got.busyNs], `busy ns in ${t0}–${t1} / ${columns}`).toEqual(want.busyNs);
      expect([...got.events], `events in ${t0}–${t1} / ${columns}`).toEqual(want.events);
      got.events.forEach((n, i) => n && kindsSeen.add(got.kinds[i % got.kinds.length]));
    }
    expect(answered).toBeGreaterThanOrEqual(10);
    // The rare kinds (a few NMIs and IPIs among thousands of ticks) were among those checked.
    expect([...kindsSeen].sort()).toEqual(
      ["ipi", "irq", "nmi", "softirq", "thread", "throttle", "tick"].sort(),
    );
  });

  it("keeps an event straddling bin and column edges in each part, and sums adjacent bins when it widens", () => {
    // 4 bins of 1,024 ns from 0: the third event (ending at 5,000) widens the table to 2,048 ns bins.
    const table = new EventFineBins(4);
    table.add(
      intervals([
        [0, 10, "tick", "local_timer"],
        [1_000, 3_000, "nmi", "perf"],
        [2_040, 5_000, "irq", "eth0"],
        [7_000, 7_000, "ipi", "CALL_FUNCTION"],
      ]),
    );
    expect(table.binNs).toBe(2_048);
    const got = table.columns(0, 8_192, 4)!;
    expect([got.t0, got.t1, got.columns]).toEqual([0, 8_192, 4]);
    const at = (c: number, kind: string) => got.kinds.indexOf(kind as never) + c * got.kinds.length;
    expect([0, 1, 2, 3].map((c) => got.busyNs[at(c, "nmi")])).toEqual([1_048, 952, 0, 0]);
    expect([0, 1, 2, 3].map((c) => got.busyNs[at(c, "irq")])).toEqual([8, 2_048, 904, 0]);
    expect([0, 1, 2, 3].map((c) => got.events[at(c, "irq")])).toEqual([1, 0, 0, 0]);
    expect(got.events[at(3, "ipi")]).toBe(1);
    expect(got.busyNs[at(3, "ipi")]).toBe(0);
    // Two bins a column, snapped outward to 4,096 ns edges.
    const wide = table.columns(1_000, 7_000, 2)!;
    expect([wide.t0, wide.t1, wide.columns]).toEqual([0, 8_192, 2]);
    expect(wide.busyNs[wide.kinds.indexOf("irq")]).toBe(2_056);
    // A pixel narrower than a bin is not answered from the table.
    expect(table.columns(0, 8_192, 5)).toBeNull();
  });

  it("costs the same memory whatever the run's length, allocated up front", () => {
    const table = new EventFineBins();
    const before = table.byteLength;
    table.add(intervals([[0, 86_400e9 * 3, "thread", "kworker/0:1"]]));
    expect(table.byteLength).toBe(before);
    const days = table.columns(0, 86_400e9 * 3, 1000)!;
    expect(days.busyNs.reduce((a, b) => a + b, 0)).toBe(86_400e9 * 3);
    // Per bin and kind: the ns covered (Float64), the events started (Uint32): 5.25 MiB for 2^16 bins.
    expect(before).toBe(FINE_BINS * EVENT_KINDS.length * (8 + 4));
  });

  it("refuses a count past 2^32 - 1 in one bin rather than wrapping it (a count no events file holds)", () => {
    const table = new EventFineBins(4);
    table.add(intervals([[0, 10, "irq", "eth0"]]));
    const irq = EVENT_KINDS.indexOf("irq");
    (table as unknown as { starts: Uint32Array }).starts[irq] = 2 ** 32 - 1;
    expect(() => table.add(intervals([[5, 10, "irq", "eth0"]]))).toThrow(
      /more than 4294967295 events of one kind start in one fine bin/,
    );
    // Widening sums two bins: a sum past the limit is refused too.
    const wide = new EventFineBins(4);
    wide.add(
      intervals([
        [0, 10, "irq", "eth0"],
        [1_024, 1_030, "irq", "eth0"],
      ]),
    );
    const starts = (wide as unknown as { starts: Uint32Array }).starts;
    starts[irq] = 2 ** 31;
    starts[EVENT_KINDS.length + irq] = 2 ** 31;
    expect(() => wide.add(intervals([[5_000, 5_001, "irq", "eth0"]]))).toThrow(/more than 4294967295 events/);
  });
});
