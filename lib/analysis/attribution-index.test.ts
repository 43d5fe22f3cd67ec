import { describe, expect, it } from "vitest";
import { addCauses, type Cause } from "./attribution";
import { EventIndex } from "./attribution-index";
import { byKey, generatedRun, intervals } from "./testing/attribution-fixtures";

describe("the events of a stretch of time", () => {
  const index = new EventIndex(
    intervals([
      [0, 100_000, "throttle", "rt_throttling"],
      [10_000, 11_000, "tick", "local_timer"],
      [50_000, 51_000, "irq", "eth0"],
      [200_000, 201_000, "tick", "local_timer"],
      [200_500, 200_600, "irq", "virtio0"],
    ]),
  );
  const inside = (t0: number, t1: number) => {
    const found: number[] = [];
    index.forEachIn(t0, t1, (_, i) => found.push(i));
    return found;
  };

  it("finds an event that started long before the window and is still open in it", () => {
    expect(inside(60_000, 70_000)).toEqual([0]);
  });

  it("finds every event overlapping the window, and none that ended before it or start after it", () => {
    expect(inside(10_500, 50_500)).toEqual([0, 1, 2]);
    expect(inside(100_000, 200_000)).toEqual([]);
    expect(inside(200_550, 300_000)).toEqual([3, 4]);
  });
});

describe("any one sample's causes", () => {
  it("recovers every known cause of every sample of a generated run, not only the worst", async () => {
    const { batches, truth, summary, events } = await generatedRun();
    const index = new EventIndex(events);
    const total = new Map<string, Cause>();
    let spikes = 0;
    for (const batch of batches)
      for (let i = 0; i < batch.ts.length; i++) {
        const d = Number(batch.duration[i]);
        if (d <= summary.offsetNs) continue;
        const causes = index.causesOf(batch.ts[i], d, summary.offsetNs);
        if (d >= truth.spikeNs) {
          spikes++;
          expect(causes[0].kind).toBe("throttle");
          expect(causes.find((c) => c.kind === "unexplained")!.ns).toBeCloseTo(
            0.03 * (d - summary.offsetNs),
            -3,
          );
        }
        addCauses(total, causes);
      }
    expect(spikes).toBeGreaterThan(1);
    expect(byKey(total.values())).toEqual(truth.events!.causeNs);
  });

  it("leaves a sample no event touches wholly unexplained", () => {
    const index = new EventIndex(intervals([[0, 1_000, "tick", "local_timer"]]));
    expect(index.causesOf(5_000, 70_000, 68_000)).toEqual([{ kind: "unexplained", name: "", ns: 2_000 }]);
  });
});
