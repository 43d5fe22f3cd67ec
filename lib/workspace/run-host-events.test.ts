import { describe, expect, it } from "vitest";
import { buildEventsBundle } from "@/lib/format/testing/events-bundle";
import { encodeSyntheticRun } from "@/lib/format/testing/synthetic-trace";
import type { FromWorker } from "./protocol";
import { RunHost } from "./run-host";
import { openInHost } from "./testing/open-in-host";
import { encodeAttribution } from "@/lib/analysis/attribution-codec";

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
// The same events as the collector streams them, in many small batches.
const batched = buildEventsBundle([{ id: "with", bytes: run.bytes, events: ev, eventsBatchRows: 50 }]).zip;

async function opened() {
  const { host, messages } = await openInHost("zip", "e.zip", zip, "z");
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

  it("answers the whole run zoomed out from the fine bins filled in its attribution pass: whole bins, snapped outward, every event and ns in them", async () => {
    const { host, messages } = await opened();
    const t0 = 1;
    const t1 = ev.end[ev.end.length - 1] - 1;
    await host.handle({ type: "events-window", runKey: "z/with", seq: 1, t0, t1, columns: 300 });
    const { events } = messages.find((m) => m.type === "events-window") as Extract<
      FromWorker,
      { type: "events-window" }
    >;
    const bins = events!.bins!;
    expect([events!.t0, events!.t1, events!.count]).toEqual([t0, t1, ev.ts.length]);
    expect(bins.t0).toBeLessThan(t0);
    expect(bins.t1).toBeGreaterThan(t1);
    expect(((bins.t1 - bins.t0) / bins.columns) % 1024).toBe(0);
    const sum = (values: Float64Array, kind: string) =>
      values.reduce((n, v, i) => (bins.kinds[i % bins.kinds.length] === kind ? n + v : n), 0);
    const truth = (kind: string) =>
      ev.ts.reduce((n, t, i) => (ev.kind[i] === kind ? n + ev.end[i] - t : n), 0);
    expect(sum(bins.busyNs, "throttle")).toBe(truth("throttle"));
    expect(sum(bins.events, "throttle") + sum(bins.events, "tick")).toBe(ev.ts.length);
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

describe("RunHost with an attribution saved at upload", () => {
  async function openWith(saved: string) {
    const built = buildEventsBundle([{ id: "with", bytes: run.bytes, events: ev }]);
    const manifest = JSON.parse(new TextDecoder().decode(built.files["manifest.json"]));
    manifest.runs[0].attribution = ".tickscope/attribution/0.json";
    const files = {
      ...built.files,
      "manifest.json": new TextEncoder().encode(JSON.stringify(manifest)),
      ".tickscope/attribution/0.json": new TextEncoder().encode(saved),
    };
    const messages: FromWorker[] = [];
    const host = new RunHost((message) => messages.push(message));
    await host.handle({
      type: "open",
      jobKey: "s",
      job: {
        kind: "folder",
        name: "shared",
        files: Object.entries(files).map(([name, bytes]) => ({
          name,
          read: new Blob([bytes as Uint8Array<ArrayBuffer>]),
        })),
      },
    });
    const sent = messages.find((m) => m.type === "events") as Extract<FromWorker, { type: "events" }>;
    return { host, messages, events: sent.events };
  }

  it("takes the saved attribution instead of reading the run again, and still answers the track from the events", async () => {
    const { attribution } = await attributeOnce();
    const marked = { ...attribution, stealNs: 12_345 };
    const { host, messages, events } = await openWith(encodeAttribution(marked));
    expect(events.attribution).toEqual(marked);
    await host.handle({ type: "events-window", runKey: "s/with", seq: 1, t0: 0, t1: 1e10, columns: 100 });
    const window = messages.find((m) => m.type === "events-window") as Extract<
      FromWorker,
      { type: "events-window" }
    >;
    expect(window.events!.count).toBe(ev.ts.length);
  });

  it("reads the run again when the saved attribution does not decode", async () => {
    const { events } = await openWith('{"format":"tickscope-attribution","version":99}');
    expect(events.problem).toBeNull();
    expect(events.attribution!.byKind.throttle).toBe(ev.causeNs["throttle:sched_rt_runtime"]);
  });
});

/** The attribution as the run worker computes it from the run and its events. */
async function attributeOnce() {
  const { messages } = await opened();
  const sent = messages.find((m) => m.type === "events") as Extract<FromWorker, { type: "events" }>;
  return { attribution: sent.events.attribution! };
}

describe("RunHost with an events file of many batches", () => {
  it("gives the same attribution, windows and sample causes as with the events in one batch", async () => {
    const whole = await opened();
    const byBatch = await openInHost("zip", "b.zip", batched, "b");
    const eventsOf = (messages: FromWorker[]) =>
      (messages.find((m) => m.type === "events") as Extract<FromWorker, { type: "events" }>).events;
    expect(eventsOf(byBatch.messages)).toEqual(eventsOf(whole.messages));
    expect(ev.ts.length).toBeGreaterThan(20 * 50);
    const spike = run.truth.max;
    const asks = [
      { t0: spike.ts - 5e6, t1: spike.ts + spike.durationNs + 5e6, columns: 800 },
      { t0: 0, t1: ev.end[ev.end.length - 1], columns: 300 },
    ];
    for (const [seq, ask] of asks.entries()) {
      await whole.host.handle({ type: "events-window", runKey: "z/with", seq, ...ask });
      await byBatch.host.handle({ type: "events-window", runKey: "b/with", seq, ...ask });
    }
    const click = { type: "sample-causes", seq: 9, ts: spike.ts, durationNs: spike.durationNs } as const;
    await whole.host.handle({ ...click, runKey: "z/with" });
    await byBatch.host.handle({ ...click, runKey: "b/with" });
    const answers = (messages: FromWorker[]) =>
      messages
        .filter((m) => m.type === "events-window" || m.type === "sample-causes")
        .map((m) => ({ ...m, runKey: "" }));
    const got = answers(byBatch.messages);
    expect(got.length).toBe(3);
    expect(got).toEqual(answers(whole.messages));
  });
});
