import { describe, expect, it } from "vitest";
import { EventIndex } from "../analysis/attribution-index";
import type { EventKind } from "../format/events-contract";
import { eventsWindow } from "./events-window";

function index(rows: [number, number, EventKind, string][]) {
  return new EventIndex({
    ts: Float64Array.from(rows, (r) => r[0]),
    end: Float64Array.from(rows, (r) => r[1]),
    kind: rows.map((r) => r[2]),
    name: rows.map((r) => r[3]),
  });
}

describe("the events track's window", () => {
  it("sends each event of a quiet window, with its kind and name", async () => {
    const w = await eventsWindow(
      index([
        [0, 50, "tick", "local_timer"],
        [1_000, 1_200, "irq", "eth0"],
        [5_000, 6_000, "throttle", "rt_throttling"],
      ]),
      { t0: 900, t1: 5_500, columns: 100 },
    );
    expect(w.count).toBe(2);
    expect(w.bins).toBeNull();
    expect([...w.exact!.ts]).toEqual([1_000, 5_000]);
    expect(w.exact!.kind).toEqual(["irq", "throttle"]);
    expect(w.exact!.name).toEqual(["eth0", "rt_throttling"]);
  });

  it("bins a dense window per pixel column and kind: the time covered, the events started, never more than the columns", async () => {
    // A tick of 10 ns every 100 ns for 1 ms (10,000 ticks), one throttle over the second half.
    const rows: [number, number, EventKind, string][] = [];
    for (let t = 0; t < 1_000_000; t += 100) {
      if (t === 500_000) rows.push([t, 1_000_000, "throttle", "rt_throttling"]);
      rows.push([t, t + 10, "tick", "local_timer"]);
    }
    const w = await eventsWindow(index(rows), { t0: 0, t1: 1_000_000, columns: 100, exactBelow: 1000 });
    expect(w.count).toBe(10_001);
    expect(w.exact).toBeNull();
    const { kinds, busyNs, events, columns } = w.bins!;
    expect(columns).toBe(100);
    expect(busyNs.length).toBe(100 * kinds.length);
    const tick = kinds.indexOf("tick");
    const throttle = kinds.indexOf("throttle");
    for (let c = 0; c < 100; c++) {
      expect(busyNs[c * kinds.length + tick]).toBe(1_000);
      expect(events[c * kinds.length + tick]).toBe(100);
      expect(busyNs[c * kinds.length + throttle]).toBe(c < 50 ? 0 : 10_000);
    }
    expect(events[50 * kinds.length + throttle]).toBe(1);
  });
});
