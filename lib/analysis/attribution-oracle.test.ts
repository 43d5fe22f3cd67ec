import { describe, expect, it } from "vitest";
import { EventCursor } from "./attribution";
import { attributeRun } from "./run-attribution";
import { byKey, randomRun } from "./testing/attribution-fixtures";
import { bruteForceAttribution, bruteForceExplain } from "./testing/brute-force-attribution";

describe("the one-pass sweep against a brute-force oracle", () => {
  it("explains every sample exactly as the rule done by brute force, for random nested and overlapping events", async () => {
    for (const seed of [1, 2, 3]) {
      const { batches, events } = await randomRun(seed);
      const cursor = new EventCursor(events);
      let checked = 0;
      let busy = 0;
      for (const batch of batches)
        for (let i = 0; i < batch.ts.length; i++) {
          const t = batch.ts[i];
          const end = t + Number(batch.duration[i]);
          const got = cursor.explain(t, end);
          const want = bruteForceExplain(events, t, end);
          if (want.length > 1) busy++;
          expect(got, `seed ${seed}, sample at ${t}`).toEqual(want);
          checked++;
        }
      expect(checked).toBe(30_000);
      // The samples with several causes are the sweep's hard case: there must be many.
      expect(busy).toBeGreaterThan(200);
    }
  });

  it("gives a run's attribution (totals, tick, families, worst) equal to the oracle's, to the bit", async () => {
    for (const seed of [4, 5]) {
      const { batches, summary, events } = await randomRun(seed);
      expect(summary.periodicSpikes.length).toBeGreaterThan(0);
      const input = { summary, events, steal: null };
      const got = await attributeRun(batches, input);
      const want = bruteForceAttribution(batches, input);
      expect(got).toEqual(want);
      expect(Object.keys(byKey(got.total.causes)).length).toBeGreaterThan(8);
    }
  });
});
