import { describe, expect, it } from "vitest";
import { eventColumnsOf } from "../format/event-columns";
import { EventIndex } from "./attribution-index";
import { EventBatchEntries, EventBatchIndex } from "./event-batch-index";
import { batchesOf, random, randomRun } from "./testing/attribution-fixtures";

describe("a run's events by batch, for windows and single samples", () => {
  it("answers every window and every sample's causes as the whole events do, reading only the batches that can overlap", async () => {
    const { batches, summary, events } = await randomRun(9);
    const whole = new EventIndex(events);
    const parts = batchesOf(events, 64);
    const entries = new EventBatchEntries();
    for (const p of parts) entries.add(p);
    const loaded: number[] = [];
    const index = new EventBatchIndex(entries.entries, async (b) => {
      loaded.push(b);
      return eventColumnsOf(parts[b]);
    });
    expect(index.size).toBe(events.ts.length);
    const next = random(9);
    const span = summary.spanNs;
    for (let q = 0; q < 300; q++) {
      const t0 = next() * span;
      const t1 = t0 + (q % 3 === 0 ? next() * 1e6 : next() * span * 0.05);
      const want: number[] = [];
      whole.forEachIn(t0, t1, (e, i) => want.push(e.ts[i], e.end[i]));
      const got: number[] = [];
      loaded.length = 0;
      await index.forEachIn(t0, t1, (e, i) => got.push(e.ts[i], e.end[i]));
      expect(got, `window ${t0}–${t1}`).toEqual(want);
      const { from, to } = index.span(t0, t1);
      expect(loaded.every((b) => b >= from && b < to)).toBe(true);
      expect(index.heldBatches).toBeLessThanOrEqual(4);
      expect(await index.countIn(t0, t1), `count in ${t0}–${t1}`).toBe(want.length / 2);
      expect(await index.countIn(t1, t1), `count at ${t1}`).toBe(whole.countIn(t1, t1));
    }
    // A window's count reads the batches at its two ends, not the ~50 between; the whole run's, none.
    const fresh = () =>
      new EventBatchIndex(entries.entries, async (b) => {
        loaded.push(b);
        return eventColumnsOf(parts[b]);
      });
    loaded.length = 0;
    const last = events.ts[events.ts.length - 1];
    expect(await fresh().countIn(events.ts[0] - 1, last + 1)).toBe(events.ts.length);
    expect(loaded).toEqual([]);
    const want = (t0: number, t1: number) => whole.countIn(t0, t1);
    expect(await fresh().countIn(span * 0.2, span * 0.8)).toBe(want(span * 0.2, span * 0.8));
    expect(loaded.length).toBeLessThanOrEqual(4);
    // A short window reads a few batches of the ~50, not the file.
    const mid = span / 2;
    const { from, to } = index.span(mid, mid + 100_000);
    expect(to - from).toBeLessThanOrEqual(3);
    let checked = 0;
    for (const batch of batches)
      for (let i = 0; i < batch.ts.length; i += 37) {
        const d = Number(batch.duration[i]);
        expect(await index.causesOf(batch.ts[i], d, summary.offsetNs)).toEqual(
          whole.causesOf(batch.ts[i], d, summary.offsetNs),
        );
        checked++;
      }
    expect(checked).toBeGreaterThan(500);
  });

  it("a batch that fails to load is read again when asked next", async () => {
    const { events } = await randomRun(10);
    const parts = batchesOf(events, 500);
    const entries = new EventBatchEntries();
    for (const p of parts) entries.add(p);
    let fail = true;
    const index = new EventBatchIndex(entries.entries, async (b) => {
      if (fail) throw new Error("disk went away");
      return eventColumnsOf(parts[b]);
    });
    const t0 = events.ts[0];
    await expect(index.slice(t0, t0 + 1000)).rejects.toThrow("disk went away");
    fail = false;
    expect((await index.slice(t0, t0 + 1000)).ts.length).toBeGreaterThan(0);
  });
});
