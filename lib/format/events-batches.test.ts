import { describe, expect, it } from "vitest";
import { bytesSource } from "./byte-source";
import {
  readEventBatchAt,
  readEventBatches,
  readEventColumnBatches,
  type EventBatch,
  type EventColumnBatch,
} from "./events-batches";
import { EVENT_KINDS } from "./events-contract";
import { readEvents } from "./events-reader";
import { encodeStreamedEvents, encodeSyntheticEvents } from "./testing/events-bundle";
import { syntheticSampleBatches } from "./testing/synthetic-trace";

const { truth } = syntheticSampleBatches({
  samples: 20_000,
  tickPeriodNs: 4_000_000,
  tickCostNs: 8_000,
  spikePeriodNs: 250_000_000,
  spikeNs: 20_000_000,
  events: {
    irqInTick: { name: "virtio1-input", ns: 1_000 },
    softirqAfterTick: { name: "TIMER", ns: 3_000, overlapNs: 500 },
    spike: { kind: "throttle", name: "sched_rt_runtime", share: 0.9 },
  },
});
const events = truth.events!;

/** The bytes as a network stream gives them: chunks of uneven size, no random access. */
async function* chunked(bytes: Uint8Array) {
  for (let at = 0, n = 0; at < bytes.byteLength; n++) {
    const size = 1 + ((n * 7919) % 3000);
    yield bytes.slice(at, at + size);
    at += size;
  }
}

async function all(read: Awaited<ReturnType<typeof readEventBatches>>) {
  const batches: EventBatch[] = [];
  for await (const b of read.batches) batches.push(b);
  return batches;
}

describe("an events file read one batch at a time", () => {
  it("gives the rows of the whole file, batch by batch, from bytes, a stream, or a file with no footer", async () => {
    const whole = await readEvents(encodeSyntheticEvents(events), "held.events.arrow");
    expect(whole.ts.length).toBe(events.ts.length);
    expect(events.ts.length).toBeGreaterThan(1000);
    const streamed = encodeStreamedEvents(events, 100);
    const crashed = encodeStreamedEvents(events, 100, { finished: false });
    for (const [label, input, recovered] of [
      ["bytes", streamed, undefined],
      ["a stream", chunked(streamed), undefined],
      [
        "no footer",
        crashed,
        `recovered: ${events.ts.length.toLocaleString("en")} events, the recording did not finish`,
      ],
      [
        "no footer, a stream",
        chunked(crashed),
        `recovered: ${events.ts.length.toLocaleString("en")} events, the recording did not finish`,
      ],
    ] as const) {
      const read = await readEventBatches(input, "streamed.events.arrow");
      const batches = await all(read);
      expect(batches.length, label).toBe(Math.ceil(events.ts.length / 100));
      expect(Math.max(...batches.map((b) => b.ts.length)), label).toBe(100);
      expect(
        batches.map((b) => b.firstRow),
        label,
      ).toEqual(batches.map((_, i) => i * 100));
      expect(read.recovered(), label).toBe(recovered);
      expect(read.meta, label).toEqual(whole.meta);
      expect(
        batches.flatMap((b) => [...b.ts]),
        label,
      ).toEqual([...whole.ts]);
      expect(
        batches.flatMap((b) => [...b.end]),
        label,
      ).toEqual([...whole.end]);
      expect(
        batches.flatMap((b) => b.kind),
        label,
      ).toEqual(whole.kind);
      expect(
        batches.flatMap((b) => b.name),
        label,
      ).toEqual(whole.name);
    }
  });

  it("a file cut inside a batch: the whole batches before it, and the byte where the cut one starts", async () => {
    const crashed = encodeStreamedEvents(events, 100, { finished: false });
    const whole = await all(await readEventBatches(crashed, "a.events.arrow"));
    const cutBatch = whole[5];
    const cut = crashed.subarray(0, cutBatch.offset + 20);
    const read = await readEventBatches(chunked(cut), "cut.events.arrow");
    const batches = await all(read);
    expect(batches.length).toBe(5);
    expect(read.recovered()).toBe(
      `recovered: 500 events, the recording did not finish (the incomplete message from byte ${cutBatch.offset} on is left out)`,
    );
  });

  it("reads one batch again where it was found", async () => {
    const streamed = encodeStreamedEvents(events, 100);
    const read = await readEventBatches(streamed, "a.events.arrow");
    const batches = await all(read);
    const again = await readEventBatchAt(
      bytesSource(streamed),
      "a.events.arrow",
      read.schemaBytes,
      batches[7],
    );
    expect(again).toEqual(batches[7]);
  });

  it("names the file, the column and the file's row when the order breaks across two batches", async () => {
    const rows = {
      ts: [0, 10, 20, 5],
      end: [1, 11, 21, 6],
      kind: ["tick", "tick", "tick", "irq"] as const,
      name: ["a", "a", "a", "b"],
    };
    const bytes = encodeStreamedEvents({ ...rows, kind: [...rows.kind] }, 3);
    await expect(readEvents(bytes, "bad.events.arrow")).rejects.toThrow(
      /bad\.events\.arrow, column or key "ts_ns", row 3: expected events sorted by start \(at or after 20\)/,
    );
  });

  it("gives the same batches as typed columns (kinds as codes, names as asked), from bytes, a stream, or no footer", async () => {
    for (const [label, input] of [
      ["bytes", encodeStreamedEvents(events, 100)],
      ["a stream", chunked(encodeStreamedEvents(events, 100))],
      ["no footer, a stream", chunked(encodeStreamedEvents(events, 100, { finished: false }))],
    ] as const) {
      const strings = await all(await readEventBatches(encodeStreamedEvents(events, 100), "a.events.arrow"));
      const read = await readEventColumnBatches(input, "a.events.arrow");
      const columns: EventColumnBatch[] = [];
      for await (const b of read.batches) columns.push(b);
      expect(read.rows(), label).toBe(events.ts.length);
      expect(columns.length, label).toBe(strings.length);
      columns.forEach((c, b) => {
        const want = strings[b];
        expect(c.firstRow, label).toBe(want.firstRow);
        expect([...c.ts], label).toEqual([...want.ts]);
        expect([...c.end], label).toEqual([...want.end]);
        expect(
          Array.from(c.kind, (k) => EVENT_KINDS[k]),
          label,
        ).toEqual(want.kind);
        expect(
          Array.from(c.ts, (_, i) => c.name(i)),
          label,
        ).toEqual(want.name);
        expect(
          want.name.every((n, i) => c.nameIs(i, n) && !c.nameIs(i, `${n}x`) && !c.nameIs(i, n.slice(1))),
          label,
        ).toBe(true);
      });
    }
  });

  it("as typed columns too: names the file, the column and the row when the order breaks across batches, or a kind is unknown", async () => {
    const unsorted = encodeStreamedEvents(
      {
        ts: [0, 10, 20, 5],
        end: [1, 11, 21, 6],
        kind: ["tick", "tick", "tick", "irq"],
        name: ["a", "a", "a", "b"],
      },
      3,
    );
    const read = await readEventColumnBatches(unsorted, "bad.events.arrow");
    await expect(
      (async () => {
        for await (const b of read.batches) void b;
      })(),
    ).rejects.toThrow(
      /bad\.events\.arrow, column or key "ts_ns", row 3: expected events sorted by start \(at or after 20\)/,
    );
  });
});
