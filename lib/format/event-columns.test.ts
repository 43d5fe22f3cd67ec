import { tableFromIPC } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { bytesSource } from "./byte-source";
import { eventColumnsOfTable, EventScratch, type EventColumns } from "./event-columns";
import { readEventBatches, readEventColumnsAt, type EventBatch } from "./events-batches";
import { EVENT_KINDS, type EventKind } from "./events-contract";
import { encodeStreamedEvents } from "./testing/events-bundle";
import { readingInto } from "./testing/reading-into";

const NAMES = ["local_timer", "", "eth0-rx-0", "wärme-ü", "日本語の割り込み", "x".repeat(300), "TIMER"];

/** Every kind and every sort of name; times past 2^33 ns, their low 32 bits past 2^31 (both halves of the int64 words used). */
function manyKinds(n: number) {
  const ts: number[] = [];
  const end: number[] = [];
  const kind: EventKind[] = [];
  const name: string[] = [];
  for (let i = 0; i < n; i++) {
    const t = 2 ** 33 + 2 ** 31 + i * 1_000 + (i % 3);
    ts.push(t);
    end.push(t + ((i * 7919) % 50_000));
    kind.push(EVENT_KINDS[(i * 5) % EVENT_KINDS.length]);
    name.push(NAMES[(i * 3) % NAMES.length]);
  }
  return { ts, end, kind, name };
}

function asRows(c: EventColumns) {
  return Array.from(c.ts, (t, i) => [t, c.end[i], EVENT_KINDS[c.kind[i]], c.name(i)]);
}

function asRowsOf(b: EventBatch) {
  return Array.from(b.ts, (t, i) => [t, b.end[i], b.kind[i], b.name[i]]);
}

async function batchesOf(bytes: Uint8Array, file: string) {
  const read = await readEventBatches(bytes, file);
  const batches: EventBatch[] = [];
  for await (const b of read.batches) batches.push(b);
  return { read, batches };
}

describe("an events batch read again as typed columns", () => {
  it("reads batch after batch into one scratch, reusing its arrays, each batch's rows as the checked strings give them", async () => {
    const events = manyKinds(1_000);
    const bytes = encodeStreamedEvents(events, 64);
    const { read, batches } = await batchesOf(bytes, "a.events.arrow");
    const scratch = new EventScratch();
    const buffers = new Set<ArrayBufferLike>();
    for (const b of batches) {
      const again = await readEventColumnsAt(
        readingInto(bytes),
        "a.events.arrow",
        read.schemaBytes,
        b,
        scratch,
      );
      expect(asRows(again), `batch at row ${b.firstRow}`).toEqual(asRowsOf(b));
      buffers.add(again.ts.buffer);
    }
    expect(buffers.size).toBe(1);
  });

  it("gives each batch's rows as the checked strings do: every kind, names ASCII, UTF-8, empty and long; finished, recovered, and cut inside a batch", async () => {
    const events = manyKinds(1_000);
    const finished = encodeStreamedEvents(events, 64);
    const crashed = encodeStreamedEvents(events, 64, { finished: false });
    const { batches: whole } = await batchesOf(crashed, "a.events.arrow");
    const cut = crashed.slice(0, whole[9].offset + 40);
    for (const [label, bytes, count] of [
      ["finished", finished, 16],
      ["recovered", crashed, 16],
      ["cut inside batch 9", cut, 9],
    ] as const) {
      const { read, batches } = await batchesOf(bytes, `${label}.events.arrow`);
      expect(batches.length, label).toBe(count);
      for (const b of batches) {
        const again = await readEventColumnsAt(bytesSource(bytes), label, read.schemaBytes, b);
        expect(asRows(again), `${label}: batch at row ${b.firstRow}`).toEqual(asRowsOf(b));
      }
    }
    // The Arrow table path (a compressed batch's) gives the same.
    const one = encodeStreamedEvents(events, 1_000);
    const table = tableFromIPC(one);
    expect(asRows(eventColumnsOfTable(table, "one.events.arrow", 0))).toEqual(
      events.ts.map((t, i) => [t, events.end[i], events.kind[i], events.name[i]]),
    );
  });

  it("names the file, the column and the file's row of a kind it does not know (the file changed since it was first read)", async () => {
    const events = manyKinds(300);
    const bytes = encodeStreamedEvents(events, 100);
    const { read, batches } = await batchesOf(bytes, "a.events.arrow");
    const b = batches[1];
    const message = bytes.subarray(b.offset, b.offset + b.byteLength);
    const at = Buffer.from(message).indexOf("softirq");
    expect(at).toBeGreaterThan(0);
    const changed = bytes.slice();
    changed[b.offset + at + 6] = "z".charCodeAt(0);
    const row = b.firstRow + b.kind.indexOf("softirq");
    await expect(
      readEventColumnsAt(bytesSource(changed), "a.events.arrow", read.schemaBytes, b),
    ).rejects.toThrow(
      new RegExp(
        `a\\.events\\.arrow, column or key "kind", row ${row}: expected one of tick, .*found "softirz"`,
      ),
    );
  });
});
