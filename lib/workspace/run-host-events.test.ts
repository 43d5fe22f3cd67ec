import { describe, expect, it } from "vitest";
import { buildEventsBundle } from "@/lib/format/testing/events-bundle";
import { encodeSyntheticRun } from "@/lib/format/testing/synthetic-trace";
import type { FromWorker } from "./protocol";
import { RunHost } from "./run-host";

const run = encodeSyntheticRun({
  samples: 120_000,
  jitterNs: 0,
  tickPeriodNs: 4_000_000,
  spikeNs: 50_000_000,
  events: { spike: { kind: "throttle", name: "sched_rt_runtime", share: 0.97 } },
});
const ev = run.truth.events!;
const { zip } = buildEventsBundle([
  { id: "with", bytes: run.bytes, events: ev },
  { id: "without", bytes: run.bytes, events: null },
]);

async function opened() {
  const messages: FromWorker[] = [];
  const host = new RunHost((message) => messages.push(message));
  await host.handle({
    type: "open",
    jobKey: "z",
    job: { kind: "zip", name: "e.zip", source: { name: "e.zip", read: new Blob([zip as Uint8Array<ArrayBuffer>]) } },
  });
  return { host, messages };
}

describe("RunHost with kernel events", () => {
  it("sends each bundle run's attribution once it is open, and says when a run has none", async () => {
    const { messages } = await opened();
    const sent = messages.filter((m) => m.type === "events") as Extract<FromWorker, { type: "events" }>[];
    expect(sent.map((m) => m.runKey)).toEqual(["z/with", "z/without"]);
    const [withEvents, without] = sent.map((m) => m.events);
    expect(withEvents.problem).toBeNull();
    expect(withEvents.attribution!.byKind.throttle).toBe(ev.causeNs["throttle:sched_rt_runtime"]);
    expect(withEvents.attribution!.byKind.unexplained).toBe(ev.causeNs.unexplained);
    expect(withEvents.attribution!.worst[0].causes[0].kind).toBe("throttle");
    expect(without).toEqual({ attribution: null, lostEvents: null, problem: null });
    // The summary comes first: the view is ready before the second pass.
    const order = messages.map((m) => `${m.type}:${"runKey" in m ? m.runKey : ""}`);
    expect(order.indexOf("summary:z/with")).toBeLessThan(order.indexOf("events:z/with"));
  });

  it("answers the events track's window with the events in it, and null for a run without events", async () => {
    const { host, messages } = await opened();
    const first = ev.ts.findIndex((_, i) => ev.kind[i] === "throttle");
    const t0 = ev.ts[first] - 1_000_000;
    const t1 = ev.end[first] + 1_000_000;
    await host.handle({ type: "events-window", runKey: "z/with", seq: 1, t0, t1, columns: 800 });
    await host.handle({ type: "events-window", runKey: "z/without", seq: 2, t0, t1, columns: 800 });
    const [withEvents, without] = messages.filter((m) => m.type === "events-window") as Extract<
      FromWorker,
      { type: "events-window" }
    >[];
    expect(withEvents.events!.exact!.kind).toEqual(["throttle"]);
    expect([...withEvents.events!.exact!.ts]).toEqual([ev.ts[first]]);
    expect(without.events).toBeNull();
  });

  it("lists the causes of any sample clicked: the known throttle and the unexplained rest", async () => {
    const { host, messages } = await opened();
    const spike = run.truth.max;
    await host.handle({
      type: "sample-causes",
      runKey: "z/with",
      seq: 1,
      ts: spike.ts,
      durationNs: spike.durationNs,
    });
    await host.handle({ type: "sample-causes", runKey: "z/without", seq: 2, ts: spike.ts, durationNs: 1 });
    const [withEvents, without] = messages.filter((m) => m.type === "sample-causes") as Extract<
      FromWorker,
      { type: "sample-causes" }
    >[];
    const { causes, lostNs } = withEvents.causes;
    const baseline = run.truth.baselineNs;
    expect(lostNs).toBe(spike.durationNs - baseline);
    const i = ev.ts.findIndex(
      (t, k) => ev.kind[k] === "throttle" && t >= spike.ts && t < spike.ts + spike.durationNs,
    );
    expect(causes).toEqual([
      { kind: "throttle", name: "sched_rt_runtime", ns: ev.end[i] - ev.ts[i] },
      { kind: "unexplained", name: "", ns: lostNs - (ev.end[i] - ev.ts[i]) },
    ]);
    expect(without.causes.causes).toBeNull();
  });
});
