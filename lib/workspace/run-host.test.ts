import { describe, expect, it } from "vitest";
import { strFromU8, strToU8, unzipSync, zipSync } from "fflate";
import { encodeTickRun, tickBundle } from "@/lib/format/testing/tick-trace";
import { offThreadBlobSources, serveRead, type ReadPort } from "./off-thread-reads";
import type { FromWorker } from "./protocol";
import { RunHost } from "./run-host";
import { openInHost } from "./testing/open-in-host";

// 30 s of a tick run: 68 µs loops, an 8 µs tick every 1 ms, a 2 ms pause every second, one 7.19 ms spike.
const { bytes, truth } = encodeTickRun({
  id: "t",
  environment: "emulated",
  scenario: "one-to-all",
  options: { samples: 440_000, worst: { atNs: 12.3e9, valueNs: 7_190_000 } },
});

async function opened() {
  const { host, messages } = await openInHost("run", "runs/t.arrow", bytes, "job");
  return { host, messages };
}

describe("RunHost", () => {
  it("announces the run, reports progress and sends a digest with the true worst spike and tick", async () => {
    const { messages } = await opened();
    expect(messages[0]).toMatchObject({
      type: "discovered",
      runs: [{ key: "job", id: "t", test: "tick", fields: { environment: "emulated" } }],
    });
    const summary = messages.find((m) => m.type === "summary");
    if (summary?.type !== "summary") throw new Error("no summary");
    expect(summary.digest.count).toBe(440_000);
    expect(summary.digest.max).toEqual({ value: 7_190_000, ts: truth.worst!.ts });
    expect(summary.digest.tick?.periodNs).toBeCloseTo(1e6, -3);
    expect(summary.digest.tick?.costNs).toBeGreaterThan(7_500);
    expect(summary.digest.tick?.costNs).toBeLessThan(8_500);
    const last = messages.filter((m) => m.type === "progress").at(-1);
    expect(last).toMatchObject({ progress: { bytes: bytes.byteLength, samples: 440_000 } });
  });

  it("answers the whole run from the pyramid and a small window with the raw samples", async () => {
    const { host, messages } = await opened();
    await host.handle({
      type: "window",
      runKey: "job",
      seq: 1,
      t0: 0,
      t1: truth.endNs,
      columns: 800,
      rawBelow: 2000,
    });
    const whole = messages.at(-1);
    if (whole?.type !== "window") throw new Error(JSON.stringify(whole));
    expect(whole.window.source).toBe("pyramid");
    expect(Math.max(...whole.window.max.filter(Number.isFinite))).toBe(7_190_000);
    expect(whole.window.samples).toBe(440_000);

    const at = truth.worst!.ts;
    await host.handle({
      type: "window",
      runKey: "job",
      seq: 2,
      t0: at - 500_000,
      t1: at + 500_000,
      columns: 800,
      rawBelow: 2000,
    });
    const small = messages.at(-1);
    if (small?.type !== "window") throw new Error(JSON.stringify(small));
    expect(small.window.source).toBe("raw");
    expect(small.window.raw).not.toBeNull();
    const i = small.window.raw!.ts.indexOf(at);
    expect(small.window.raw!.value[i]).toBe(7_190_000);
  });

  it("gives the same digest when a read worker reads the file into reused buffers", async () => {
    // 9 record batches, so that the buffers handed back are read into again.
    const multi = encodeTickRun({
      id: "m",
      environment: "emulated",
      scenario: "one-to-all",
      options: { samples: 440_000, batchRows: 50_000, worst: { atNs: 12.3e9, valueNs: 7_190_000 } },
    });
    const reused: ArrayBuffer[] = [];
    const port: ReadPort = {
      onmessage: null,
      onerror: null,
      postMessage(request) {
        if (request.buffer) reused.push(request.buffer);
        setTimeout(
          () =>
            void serveRead(request, (reply) =>
              port.onmessage?.({ data: reply } as MessageEvent<typeof reply>),
            ),
        );
      },
    };
    const digests = [];
    for (const host of [
      (post: (m: FromWorker) => void) => new RunHost(post),
      (post: (m: FromWorker) => void) =>
        new RunHost(
          post,
          offThreadBlobSources(() => port),
        ),
    ]) {
      const messages: FromWorker[] = [];
      await host((m) => messages.push(m)).handle({
        type: "open",
        jobKey: "job",
        job: {
          kind: "run",
          name: "m.arrow",
          source: { name: "m.arrow", read: new Blob([multi.bytes as Uint8Array<ArrayBuffer>]) },
        },
      });
      const summary = messages.find((m) => m.type === "summary");
      if (summary?.type !== "summary") throw new Error(JSON.stringify(messages.at(-1)));
      digests.push(summary.digest);
    }
    expect(digests[1]).toEqual(digests[0]);
    expect(digests[1].count).toBe(440_000);
    expect(digests[1].max).toEqual({ value: 7_190_000, ts: multi.truth.worst!.ts });
    expect(reused.length).toBeGreaterThan(3);
  });

  it("opens a run whose writer died up to its last whole batch, says so, and draws its raw samples", async () => {
    const chunked = encodeTickRun({
      id: "cut",
      environment: "emulated",
      scenario: "one-to-all",
      options: { samples: 440_000, batchRows: 50_000 },
    }).bytes;
    const cut = chunked.slice(0, Math.floor(chunked.byteLength * 0.55));
    const messages: FromWorker[] = [];
    const host = new RunHost((message) => messages.push(message));
    const source = { name: "cut.arrow", size: cut.byteLength, read: new Blob([cut]) };
    await host.handle({ type: "open", jobKey: "c", job: { kind: "run", name: "cut.arrow", source } });
    const summary = messages.find((m) => m.type === "summary");
    if (summary?.type !== "summary") throw new Error(`no summary: ${JSON.stringify(messages)}`);
    const count = summary.digest.count;
    expect(count).toBe(200_000);
    expect(summary.recovered).toMatch(
      /^recovered: 200,000 samples, the run did not finish \(the incomplete message from byte \d+ on is left out\)$/,
    );
    await host.handle({
      type: "window",
      runKey: "c",
      seq: 1,
      t0: 0,
      t1: 1e6,
      columns: 100,
      rawBelow: 10_000,
    });
    const window = messages.find((m) => m.type === "window");
    if (window?.type !== "window") throw new Error("no window");
    expect(window.window.raw?.ts.length).toBeGreaterThan(10);
  });

  it("reports a broken file as a problem naming it", async () => {
    const messages: FromWorker[] = [];
    const host = new RunHost((message) => messages.push(message));
    const junk = new TextEncoder().encode("this is not an arrow file at all");
    await host.handle({
      type: "open",
      jobKey: "j",
      job: { kind: "run", name: "broken.arrow", source: { name: "broken.arrow", read: new Blob([junk]) } },
    });
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      type: "discovered",
      runs: [],
      problems: [{ key: "j", file: "broken.arrow" }],
    });
    const message = (messages[0] as Extract<FromWorker, { type: "discovered" }>).problems[0].message;
    expect(message).toMatch(/broken\.arrow: expected an Arrow IPC file/);
  });
});

describe("RunHost with bundles", () => {
  it("opens a zip bundle's runs with the manifest's fields and reports a missing run beside the others", async () => {
    const { zip, truths } = tickBundle([
      { id: "emu", environment: "emulated", scenario: "one-to-all", options: { samples: 50_000 } },
      { id: "enl", environment: "enlightened", scenario: "one-to-all", options: { samples: 50_000 } },
    ]);
    const files = unzipSync(zip);
    const manifest = JSON.parse(strFromU8(files["manifest.json"]));
    manifest.runs.push({ id: "gone", file: "runs/gone.arrow", test: "tick", environment: "bare-machine" });
    files["manifest.json"] = strToU8(JSON.stringify(manifest));
    const bytes = zipSync(files, { level: 0 });
    const { messages } = await openInHost("zip", "study.zip", bytes, "z");
    const discovered = messages[0] as Extract<FromWorker, { type: "discovered" }>;
    expect(discovered.runs.map((r) => [r.key, r.fields.environment])).toEqual([
      ["z/emu", "emulated"],
      ["z/enl", "enlightened"],
    ]);
    expect(discovered.problems).toHaveLength(1);
    expect(discovered.problems[0].message).toMatch(/runs\/gone\.arrow/);
    const summaries = messages.filter((m) => m.type === "summary") as Extract<
      FromWorker,
      { type: "summary" }
    >[];
    expect(summaries.map((m) => [m.runKey, m.digest.count])).toEqual([
      ["z/emu", 50_000],
      ["z/enl", 50_000],
    ]);
    // The generator pauses 2 ms once a second: the maximum is one such pause over a loop.
    expect(summaries[0].digest.max.value).toBeGreaterThan(2_000_000 + truths.emu.loopNs);
  });

  it("opens a folder given as byte sources", async () => {
    const { files } = tickBundle([
      { id: "emu", environment: "emulated", scenario: "memory-load", options: { samples: 20_000 } },
    ]);
    const sources = Object.entries(files).map(([path, data]) => ({
      name: `demo/${path}`,
      size: data.byteLength,
      read: new Blob([data as Uint8Array<ArrayBuffer>]),
    }));
    const messages: FromWorker[] = [];
    const host = new RunHost((message) => messages.push(message));
    await host.handle({ type: "open", jobKey: "f", job: { kind: "folder", name: "demo", files: sources } });
    expect(messages[0]).toMatchObject({
      type: "discovered",
      runs: [{ key: "f/emu", fields: { scenario: "memory-load" } }],
      problems: [],
    });
    expect(messages.find((m) => m.type === "summary")).toMatchObject({
      type: "summary",
      runKey: "f/emu",
      digest: { count: 20_000 },
    });
  });
});
