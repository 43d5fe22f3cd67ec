import { describe, expect, it } from "vitest";
import { eventColumnsOf } from "../format/event-columns";
import type { EventIntervals } from "../analysis/attribution";
import { EventIndex } from "../analysis/attribution-index";
import { CACHED_BATCHES, EventBatchEntries, EventBatchIndex } from "../analysis/event-batch-index";
import { EventFineBins } from "../analysis/event-fine-bins";
import { batchesOf, columnsByBruteForce, randomRun } from "../analysis/testing/attribution-fixtures";
import type { EventKind } from "../format/events-contract";
import { bytesSource } from "../format/byte-source";
import { readEventBatches, readEventColumnsAt, type EventBatchLocation } from "../format/events-batches";
import { encodeStreamedEvents } from "../format/testing/events-bundle";
import { readingInto } from "../format/testing/reading-into";
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

  it("answers a zoomed-out window from the fine bins (snapped outward, exact per column), a narrower one from the batches in one walk", async () => {
    const { events, summary } = await randomRun(5);
    const batches = batchesOf(events, 50);
    const entries = new EventBatchEntries(new EventFineBins(512));
    for (const b of batches) entries.add(b);
    let walks = 0;
    const loaded: number[] = [];
    const index = new EventBatchIndex(
      entries.entries,
      async (b) => {
        loaded.push(b);
        return eventColumnsOf(batches[b]);
      },
      CACHED_BATCHES,
      entries.fine,
    );
    const walk = index.forEachRangeIn.bind(index);
    index.forEachRangeIn = (t0, t1, visit) => {
      walks++;
      return walk(t0, t1, visit);
    };
    const binNs = entries.fine!.binNs;
    const span = summary.spanNs;
    const asked: [number, number, number][] = [
      [0, span, 300],
      [span * 0.1, span * 0.7, 97],
      [span / 3, span / 3 + 40 * binNs, 20],
      [span / 2, span / 2 + 40 * binNs, 80],
      [span * 0.4, span * 0.6, 1500],
    ];
    const ways = new Set<string>();
    for (const [t0, t1, columns] of asked) {
      walks = 0;
      loaded.length = 0;
      const w = await eventsWindow(index, { t0, t1, columns, exactBelow: 200 });
      const label = `${t0}–${t1} in ${columns}`;
      expect([w.t0, w.t1], label).toEqual([t0, t1]);
      expect(w.count, label).toBe(overlapping(events, t0, t1));
      expect(w.exact, label).toBeNull();
      const bins = w.bins!;
      const fromFine = (t1 - t0) / columns >= binNs;
      ways.add(fromFine ? "fine" : "walked");
      if (fromFine) {
        expect(bins.t0).toBeLessThanOrEqual(t0);
        expect(bins.t1).toBeGreaterThanOrEqual(t1);
        expect(((bins.t1 - bins.t0) / bins.columns) % binNs).toBe(0);
        expect(walks, label).toBe(0);
        expect(loaded.length, `${label}: batches read for the count`).toBeLessThanOrEqual(3);
      } else {
        expect([bins.t0, bins.t1, bins.columns]).toEqual([t0, t1, columns]);
        expect(walks, label).toBe(1);
      }
      const want = columnsByBruteForce(events, bins);
      expect([...bins.events], label).toEqual(want.events);
      for (let i = 0; i < want.busyNs.length; i++)
        expect(bins.busyNs[i], `${label}: busy ns of cell ${i}`).toBeCloseTo(
          want.busyNs[i],
          fromFine ? 9 : 3,
        );
    }
    expect([...ways].sort()).toEqual(["fine", "walked"]);
  });
});

describe("the events track's walk over the events file's batches", () => {
  it("walks an events file's batches read again from its bytes (finished, and cut by a crash) as each event checked against each column does", async () => {
    const { events, summary } = await randomRun(7);
    const finished = encodeStreamedEvents(events, 300);
    const crashed = encodeStreamedEvents(events, 300, { finished: false });
    const span = summary.spanNs;
    for (const [label, bytes, source] of [
      ["finished, read into the walk's scratch", finished, readingInto],
      ["finished, from a source that only reads whole", finished, bytesSource],
      [
        "cut by a crash at 40% of its bytes",
        crashed.slice(0, Math.floor(crashed.byteLength * 0.4)),
        readingInto,
      ],
    ] as const) {
      const read = await readEventBatches(bytes, `${label}.events.arrow`);
      const entries = new EventBatchEntries();
      const locations: EventBatchLocation[] = [];
      const held: EventIntervals[] = [];
      for await (const b of read.batches) {
        entries.add(b);
        locations.push(b);
        held.push(b);
      }
      const kept: EventIntervals = {
        ts: Float64Array.from(held.flatMap((b) => [...b.ts])),
        end: Float64Array.from(held.flatMap((b) => [...b.end])),
        kind: held.flatMap((b) => b.kind),
        name: held.flatMap((b) => b.name),
      };
      expect(kept.ts.length, label).toBeGreaterThan(900);
      if (bytes !== finished) expect(kept.ts.length, label).toBeLessThan(events.ts.length / 2);
      const index = new EventBatchIndex(entries.entries, (b, scratch) =>
        readEventColumnsAt(source(bytes), label, read.schemaBytes, locations[b], scratch),
      );
      for (const [t0, t1, columns] of [
        [0, span, 97],
        [span * 0.1, span * 0.35, 400],
        [span * 0.2, span * 0.2 + 30_000_000, 50],
      ]) {
        const w = await eventsWindow(index, { t0, t1, columns, exactBelow: 20 });
        expect(w.count, `${label}: ${t0}–${t1}`).toBe(overlapping(kept, t0, t1));
        const want = columnsByBruteForce(kept, w.bins!);
        expect([...w.bins!.events], `${label}: ${t0}–${t1}`).toEqual(want.events);
        want.busyNs.forEach((ns, i) => expect(w.bins!.busyNs[i], `${label}: cell ${i}`).toBeCloseTo(ns, 3));
      }
    }
  });

  it("makes at most the exact list's names strings in a walk, whatever the events it bins", async () => {
    const { events, summary } = await randomRun(6);
    const batches = batchesOf(events, 40);
    const entries = new EventBatchEntries();
    for (const b of batches) entries.add(b);
    let named = 0;
    const index = new EventBatchIndex(entries.entries, async (b) => {
      const columns = eventColumnsOf(batches[b]);
      return {
        ...columns,
        name: (i) => {
          named++;
          return columns.name(i);
        },
      };
    });
    const span = summary.spanNs;
    const dense = await eventsWindow(index, { t0: 0, t1: span, columns: 200, exactBelow: 50 });
    expect(dense.count).toBeGreaterThan(1000);
    expect(dense.exact).toBeNull();
    expect(named).toBeLessThanOrEqual(50);
    named = 0;
    const t0 = events.ts[Math.floor(events.ts.length / 2)];
    const quiet = await eventsWindow(index, { t0, t1: t0 + 1, columns: 200, exactBelow: 50 });
    expect(quiet.count).toBeGreaterThan(0);
    expect(named).toBe(quiet.count);
    const want = [];
    for (let i = 0; i < events.ts.length; i++)
      if (events.ts[i] < t0 + 1 && events.end[i] > t0) want.push([events.kind[i], events.name[i]]);
    expect(quiet.exact!.kind.map((k, i) => [k, quiet.exact!.name[i]])).toEqual(want);
  });
});

function overlapping(events: EventIntervals, t0: number, t1: number): number {
  let n = 0;
  for (let i = 0; i < events.ts.length; i++) if (events.ts[i] < t1 && events.end[i] > t0) n++;
  return n;
}
