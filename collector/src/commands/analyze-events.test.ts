import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { encodeEventsFile, encodeStealFile } from "../../../lib/format/events-writer";
import { encodeSyntheticRun } from "../../../lib/format/testing/synthetic-trace";
import analyze from "./analyze";
import { captureConsole } from "./testing/capture-console";

const dir = mkdtempSync(join(tmpdir(), "tickscope-analyze-events-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, "runs"), { recursive: true });

const meta = { clock: "x86-tsc", offset_ns: 0, lost_events: 3, cpu: 1, source: "tracefs" };
const run = encodeSyntheticRun({
  samples: 120_000,
  jitterNs: 0,
  tickPeriodNs: 4_000_000,
  tickCostNs: 8_000,
  spikeNs: 50_000_000,
  events: {
    irqInTick: { name: "virtio1-input", ns: 1_000 },
    spike: { kind: "throttle", name: "sched_rt_runtime", share: 0.97 },
  },
});
const ev = run.truth.events!;
writeFileSync(join(dir, "runs", "tick.arrow"), run.bytes);
writeFileSync(join(dir, "runs", "plain.arrow"), run.bytes);
writeFileSync(
  join(dir, "runs", "tick.events.arrow"),
  encodeEventsFile(
    {
      ts: BigInt64Array.from(ev.ts, BigInt),
      end: BigInt64Array.from(ev.end, BigInt),
      kind: ev.kind,
      name: ev.name,
      cpu: new Int32Array(ev.ts.length).fill(1),
    },
    meta,
  ),
);
writeFileSync(
  join(dir, "runs", "tick.steal.arrow"),
  encodeStealFile(
    { second: Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8]), steal: new BigInt64Array(9).fill(250_000n) },
    meta,
  ),
);
writeFileSync(
  join(dir, "manifest.json"),
  JSON.stringify({
    format: "latency-bundle",
    version: 1,
    runs: [
      {
        id: "tick",
        file: "runs/tick.arrow",
        test: "tick",
        events: "runs/tick.events.arrow",
        steal: "runs/tick.steal.arrow",
      },
      { id: "plain", file: "runs/plain.arrow", test: "tick" },
    ],
  }),
);

describe("tickscope analyze with kernel events", () => {
  it("adds attribution, each family's cause and the worst samples' causes to --json", async () => {
    const { out, err } = captureConsole();
    expect(await analyze.run([dir, "--json"])).toBe(0);
    expect(err).toEqual([]);
    const [tick, plain] = JSON.parse(out.join("\n")).runs;
    const truth = ev.causeNs;
    expect(tick.attribution).toMatchObject({
      tick_ns: truth["tick:local_timer"],
      irq_ns: truth["irq:virtio1-input"],
      softirq_ns: 0,
      thread_ns: 0,
      throttle_ns: truth["throttle:sched_rt_runtime"],
      unexplained_ns: truth.unexplained,
      steal_ns: 9 * 250_000,
      lost_events: 3,
    });
    const a = tick.attribution;
    expect(a.lost_ns).toBe(a.tick_ns + a.irq_ns + a.throttle_ns + a.unexplained_ns);
    expect(a.explained_share).toBeCloseTo(1 - a.unexplained_ns / a.lost_ns, 4);
    expect(tick.periodic_spikes[0].cause).toBe("throttle");
    expect(tick.tick.cause).toBe("tick");
    expect(tick.worst).toHaveLength(10);
    expect(tick.worst[0]).toMatchObject({ ts_ns: tick.max_at_ts_ns, duration_ns: tick.max_duration_ns });
    expect(tick.worst[0].causes[0]).toMatchObject({ kind: "throttle", name: "sched_rt_runtime" });
    expect(tick.worst[0].causes.reduce((s: number, c: { ns: number }) => s + c.ns, 0)).toBeCloseTo(
      tick.max_overhead_ns,
      -1,
    );
    // Without events: null, never zeros.
    expect(plain.attribution).toBeNull();
    expect(plain.worst).toBeNull();
    expect(plain.periodic_spikes[0].cause).toBeNull();
    expect(plain.tick.cause).toBeNull();
  });

  it("says so in text when a run has no events, and names the causes when it has", async () => {
    const { out } = captureConsole();
    await analyze.run([dir]);
    const text = out.join("\n");
    expect(text).toMatch(/periodic spikes: every 1 s.*cause: throttle/);
    expect(text).toMatch(/tick cause: tick/);
    expect(text).toMatch(/kernel events: none recorded for this run/);
  });

  it("reports an events file that does not read, naming the file and field", async () => {
    const bad = join(dir, "bad");
    mkdirSync(join(bad, "runs"), { recursive: true });
    writeFileSync(join(bad, "runs", "t.arrow"), run.bytes);
    writeFileSync(
      join(bad, "runs", "t.events.arrow"),
      encodeEventsFile(
        {
          ts: BigInt64Array.from([10n, 5n]),
          end: BigInt64Array.from([20n, 6n]),
          kind: ["irq", "irq"],
          name: ["a", "b"],
          cpu: new Int32Array(2),
        },
        meta,
      ),
    );
    writeFileSync(
      join(bad, "manifest.json"),
      JSON.stringify({
        format: "latency-bundle",
        version: 1,
        runs: [{ id: "t", file: "runs/t.arrow", test: "tick", events: "runs/t.events.arrow" }],
      }),
    );
    const { out, err } = captureConsole();
    expect(await analyze.run([bad, "--json"])).toBe(2);
    const [report] = JSON.parse(out.join("\n")).runs;
    expect(report.attribution).toBeNull();
    expect(report.errors[0]).toMatchObject({ file: "runs/t.events.arrow", field: "ts_ns", row: 1 });
    expect(err.join("\n")).toMatch(/runs\/t\.events\.arrow/);
  });
});
