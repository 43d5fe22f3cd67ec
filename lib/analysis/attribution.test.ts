import { describe, expect, it } from "vitest";
import type { SyntheticTraceOptions } from "../format/testing/synthetic-trace";
import { EventCursor, apportion, sampleCauses } from "./attribution";
import { attributeRun } from "./run-attribution";
import { byKey, generatedRun, intervals, RUN_WITH_KNOWN_CAUSES } from "./testing/attribution-fixtures";

describe("one sample's causes", () => {
  it("counts an IRQ inside a tick once, as the IRQ's time", () => {
    const cursor = new EventCursor(
      intervals([
        [1_000, 9_000, "tick", "local_timer"],
        [3_000, 5_000, "irq", "virtio0"],
      ]),
    );
    expect(byKey(sampleCauses(cursor, 0, 70_000, 60_000))).toEqual({
      "tick:local_timer": 6_000,
      "irq:virtio0": 2_000,
      unexplained: 2_000,
    });
  });

  it("gives an overlapping (not nested) event the time after it starts, and the shorter of two starting together", () => {
    const cursor = new EventCursor(
      intervals([
        [0, 4_000, "tick", "local_timer"],
        [3_000, 7_000, "softirq", "TIMER"],
        [10_000, 12_000, "thread", "kworker/0:1"],
        [10_000, 11_000, "ipi", "CALL_FUNCTION"],
      ]),
    );
    expect(byKey(cursor.explain(0, 20_000))).toEqual({
      "tick:local_timer": 3_000,
      "softirq:TIMER": 4_000,
      "thread:kworker/0:1": 1_000,
      "ipi:CALL_FUNCTION": 1_000,
    });
  });

  it("counts what ran inside RT throttling (other threads, IRQs) as the throttling", () => {
    const cursor = new EventCursor(
      intervals([
        [1_000, 51_000, "throttle", "sched_rt_runtime"],
        [2_000, 40_000, "thread", "kworker/1:0"],
        [3_000, 4_000, "tick", "local_timer"],
        [60_000, 61_000, "irq", "eth0"],
      ]),
    );
    expect(byKey(cursor.explain(0, 70_000))).toEqual({
      "throttle:sched_rt_runtime": 50_000,
      "irq:eth0": 1_000,
    });
  });

  it("clips events to the sample and carries one across samples, walking in order", () => {
    const cursor = new EventCursor(intervals([[90, 150, "throttle", "sched_rt_runtime"]]));
    expect(cursor.mayOverlap(0, 50)).toBe(false);
    expect(byKey(cursor.explain(0, 100))).toEqual({ "throttle:sched_rt_runtime": 10 });
    expect(cursor.mayOverlap(100, 200)).toBe(true);
    expect(byKey(cursor.explain(100, 200))).toEqual({ "throttle:sched_rt_runtime": 50 });
    expect(cursor.explain(200, 300)).toEqual([]);
  });

  it("scales the events down to the time lost, and never reports negative time", () => {
    const causes = apportion(
      [
        { kind: "tick", name: "local_timer", ns: 3_000 },
        { kind: "irq", name: "eth0", ns: 1_000 },
      ],
      2_000,
    );
    expect(byKey(causes)).toEqual({ "tick:local_timer": 1_500, "irq:eth0": 500 });
    expect(apportion([], -40)).toEqual([]);
  });
});

describe("a generated run with known causes", () => {
  async function attributed(options: SyntheticTraceOptions) {
    const { batches, truth, summary, events } = await generatedRun(options);
    const attribution = await attributeRun(batches, { summary, events, steal: null });
    return { attribution, truth, summary };
  }

  const base = RUN_WITH_KNOWN_CAUSES;

  it("recovers every cause exactly: nested IRQ, overlapping softirq, throttle and the unexplained rest", async () => {
    const { attribution, truth } = await attributed(base);
    expect(byKey(attribution.total.causes)).toEqual(truth.events!.causeNs);
    expect(attribution.byKind.throttle).toBe(truth.events!.causeNs["throttle:sched_rt_runtime"]);
    expect(attribution.byKind.unexplained).toBe(truth.events!.causeNs.unexplained);
    expect(attribution.explainedShare).toBeCloseTo(
      1 - truth.events!.causeNs.unexplained / attribution.total.lostNs,
      12,
    );
    expect(attribution.stealNs).toBeNull();
  });

  it("names the spike family's cause and the tick's, and lists the worst samples with their causes", async () => {
    const { attribution, summary } = await attributed(base);
    expect(summary.periodicSpikes.length).toBeGreaterThan(0);
    expect(attribution.families[0].cause).toBe("throttle");
    const family = attribution.families[0];
    const throttle = family.causes.find((c) => c.kind === "throttle")!.ns;
    expect(throttle / family.lostNs).toBeCloseTo(0.97, 3);
    expect(attribution.tick?.cause).toBe("tick");
    expect(attribution.worst).toHaveLength(10);
    expect(attribution.worst[0].durationNs).toBe(summary.max.durationNs);
    expect(attribution.worst[0].causes[0].kind).toBe("throttle");
  });

  it("leaves a spike with no event wholly unexplained (the hypervisor's time)", async () => {
    const { attribution, truth } = await attributed({ ...base, events: { spike: null } });
    expect(attribution.families[0].cause).toBe("unexplained");
    expect(attribution.byKind.unexplained).toBe(truth.events!.causeNs.unexplained);
    expect(attribution.tick?.cause).toBe("tick");
  });
});
