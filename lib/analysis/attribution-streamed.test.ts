import { describe, expect, it } from "vitest";
import { eventColumnsOf, type EventColumns } from "../format/event-columns";
import type { EventIntervals, EventCursor } from "./attribution";
import { attributeRun, attributeRunStreamed } from "./run-attribution";
import { byKey, generatedRun, randomRun } from "./testing/attribution-fixtures";

type Batch = { ts: Float64Array; duration: ArrayLike<number> };

/** The same samples in batches of `size`. */
function rebatched(batches: Batch[], size: number): Batch[] {
  const ts = Float64Array.from(batches.flatMap((b) => [...b.ts]));
  const duration = Float64Array.from(batches.flatMap((b) => Array.from(b.duration, Number)));
  const out: Batch[] = [];
  for (let at = 0; at < ts.length; at += size)
    out.push({ ts: ts.subarray(at, at + size), duration: duration.subarray(at, at + size) });
  return out;
}

/** The events in batches of `size`, as an events file gives them. */
function* eventBatches(events: EventIntervals, size: number): Generator<EventIntervals> {
  for (let at = 0; at < events.ts.length; at += size)
    yield {
      ts: events.ts.subarray(at, at + size),
      end: events.end.subarray(at, at + size),
      kind: events.kind.slice(at, at + size),
      name: events.name.slice(at, at + size),
    };
}

const SIZES: [number, number][] = [
  [65_536, 65_536],
  [1000, 1],
  [7, 3],
  [1, 100],
  [4096, 17],
  [333, 4096],
];

describe("attribution with the run and its events walked together", () => {
  it("equals the whole-file attribution exactly, for a run with known causes, whatever the batch sizes", async () => {
    const { batches, summary, events } = await generatedRun();
    const want = await attributeRun(batches, { summary, events, steal: null });
    expect(byKey(want.families[0].causes)["throttle:sched_rt_runtime"]).toBeGreaterThan(
      0.95 * want.families[0].lostNs,
    );
    expect(want.tick!.cause).toBe("tick");
    for (const [samples, intervals] of SIZES) {
      const got = await attributeRunStreamed(rebatched(batches, samples), eventBatches(events, intervals), {
        summary,
        steal: null,
      });
      expect(got, `samples in ${samples}, events in ${intervals}`).toEqual(want);
    }
  });

  it("equals it for random nested, overlapping and long events (throttles across many samples)", async () => {
    for (const seed of [6, 7]) {
      const { batches, summary, events } = await randomRun(seed);
      const want = await attributeRun(batches, { summary, events, steal: null });
      expect(Object.keys(byKey(want.total.causes)).length).toBeGreaterThan(8);
      for (const [samples, intervals] of SIZES) {
        const got = await attributeRunStreamed(rebatched(batches, samples), eventBatches(events, intervals), {
          summary,
          steal: null,
        });
        expect(got, `seed ${seed}, samples in ${samples}, events in ${intervals}`).toEqual(want);
      }
    }
  });

  it("holds at most two events batches and the open events, not the file", async () => {
    const { batches, summary, events } = await randomRun(8);
    for (const size of [16, 64]) {
      let most = 0;
      await attributeRunStreamed(
        rebatched(batches, 1000),
        eventBatches(events, size),
        { summary, steal: null },
        (cursor: EventCursor) => (most = Math.max(most, cursor.heldEvents)),
      );
      expect(events.ts.length).toBeGreaterThan(40 * size);
      // The random events include throttle-sized ones (up to 21 ms) open across many batches.
      expect(most, `events in ${size}`).toBeLessThanOrEqual(2 * size + 64);
    }
  });

  it("gives events that start after the last sample no place, and still reads them", async () => {
    const { batches, summary, events } = await generatedRun();
    const want = await attributeRun(batches, { summary, events, steal: null });
    let read = 0;
    function* counted() {
      for (const batch of eventBatches(events, 500)) {
        read += batch.ts.length;
        yield batch;
      }
    }
    const firstHalf = rebatched(batches, 10_000).slice(0, 6);
    const partial = await attributeRunStreamed(firstHalf, counted(), { summary, steal: null });
    expect(read).toBe(events.ts.length);
    expect(partial.total.samples).toBeLessThan(want.total.samples);
    expect(partial).toEqual(await attributeRun(firstHalf, { summary, events, steal: null }));
  });

  it("equals it with the events given as typed columns, a name made a string only for a cause not met before", async () => {
    for (const seed of [6, 7, -1]) {
      const { batches, summary, events } = seed < 0 ? await generatedRun() : await randomRun(seed);
      const causes = new Set(events.kind.map((k, i) => `${k}:${events.name[i]}`)).size;
      const mostOfAKind = Math.max(
        ...[...new Set(events.kind)].map(
          (k) => new Set(events.name.filter((_, i) => events.kind[i] === k)).size,
        ),
      );
      expect(mostOfAKind, `seed ${seed}`).toBeLessThanOrEqual(32);
      const want = await attributeRun(batches, { summary, events, steal: null });
      let named = 0;
      function* typed(size: number): Generator<EventColumns> {
        for (const batch of eventBatches(events, size)) {
          const columns = eventColumnsOf(batch);
          yield { ...columns, name: (i) => (named++, columns.name(i)) };
        }
      }
      for (const [samples, intervals] of SIZES) {
        named = 0;
        const got = await attributeRunStreamed(rebatched(batches, samples), typed(intervals), {
          summary,
          steal: null,
        });
        expect(got, `seed ${seed}, samples in ${samples}, events in ${intervals}`).toEqual(want);
        expect(named, `seed ${seed}, events in ${intervals}`).toBe(causes);
      }
    }
  });
});
