import { describe, expect, it } from "vitest";
import { strToU8, zipSync } from "fflate";
import { encodeEventsFile } from "@/lib/format/events-writer";
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
const events = encodeEventsFile(
  {
    ts: BigInt64Array.from(ev.ts, BigInt),
    end: BigInt64Array.from(ev.end, BigInt),
    kind: ev.kind,
    name: ev.name,
    cpu: new Int32Array(ev.ts.length),
  },
  { clock: "x86-tsc", offset_ns: 0, lost_events: 0, cpu: 0, source: "tracefs" },
);
const zip = zipSync({
  "manifest.json": strToU8(
    JSON.stringify({
      format: "latency-bundle",
      version: 1,
      runs: [
        { id: "with", file: "runs/with.arrow", test: "tick", events: "runs/with.events.arrow" },
        { id: "without", file: "runs/without.arrow", test: "tick" },
      ],
    }),
  ),
  "runs/with.arrow": [run.bytes, { level: 0 }],
  "runs/with.events.arrow": [events, { level: 0 }],
  "runs/without.arrow": [run.bytes, { level: 0 }],
});

describe("RunHost with kernel events", () => {
  it("sends each bundle run's attribution once it is open, and says when a run has none", async () => {
    const messages: FromWorker[] = [];
    const host = new RunHost((message) => messages.push(message));
    await host.handle({
      type: "open",
      jobKey: "z",
      job: { kind: "zip", name: "e.zip", source: { name: "e.zip", read: new Blob([zip]) } },
    });
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
});
