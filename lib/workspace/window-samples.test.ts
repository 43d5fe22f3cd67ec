import { describe, expect, it } from "vitest";
import { encodeTickRun, tickTrace } from "@/lib/format/testing/tick-trace";
import { openInHost } from "./testing/open-in-host";
import type { WindowSamples } from "./types";

// 20 s of a tick run in batches of 4096 rows, so that windows start and end inside batches.
const options = { samples: 300_000, batchRows: 4096, worst: { atNs: 9.1e9, valueNs: 6_000_000 } };
const { bytes } = encodeTickRun({ id: "t", environment: "emulated", scenario: "idle", options });
const all = [...tickTrace(options)];

function bruteForce(t0: number, t1: number) {
  const ts: number[] = [];
  const duration: number[] = [];
  for (const batch of all)
    batch.ts.forEach((t, i) => {
      if (Number(t) >= t0 && Number(t) < t1) {
        ts.push(Number(t));
        duration.push(batch.duration[i]);
      }
    });
  return { ts, duration };
}

async function opened() {
  const { host, messages } = await openInHost("run", "runs/t.arrow", bytes, "job");
  const ask = async (t0: number, t1: number, cap: number): Promise<WindowSamples> => {
    await host.handle({ type: "samples", runKey: "job", seq: 7, t0, t1, cap });
    const reply = messages.at(-1)!;
    if (reply.type !== "samples") throw new Error(`expected samples, got ${JSON.stringify(reply)}`);
    return reply.samples;
  };
  return { ask };
}

describe("a window's raw samples, for DuckDB's samples table", () => {
  it("are every sample with t0 ≤ ts < t1, in order, exactly as the file holds them", async () => {
    const { ask } = await opened();
    const t0 = 8_999_999_999.5;
    const t1 = 9_250_000_123;
    const got = await ask(t0, t1, 5_000_000);
    const truth = bruteForce(t0, t1);
    expect(got.count).toBe(truth.ts.length);
    expect(Array.from(got.ts!)).toEqual(truth.ts);
    expect(Array.from(got.duration!)).toEqual(truth.duration);
    expect(Math.max(...got.duration!)).toBe(6_000_000);
  });

  it("the whole run, and an empty window", async () => {
    const { ask } = await opened();
    expect((await ask(0, Infinity, 5_000_000)).count).toBe(300_000);
    const empty = await ask(5e12, 6e12, 5_000_000);
    expect(empty).toMatchObject({ count: 0 });
    expect(empty.ts).toHaveLength(0);
  });

  it("above the cap: only the window's exact count, no samples", async () => {
    const { ask } = await opened();
    const t0 = 1_234_567_890;
    const t1 = 15_432_109_876;
    const refused = await ask(t0, t1, 1000);
    expect(refused).toMatchObject({
      count: bruteForce(t0, t1).ts.length,
      cap: 1000,
      ts: null,
      duration: null,
    });
  });
});
