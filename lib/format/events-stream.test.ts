import { describe, expect, it } from "vitest";
import { tableFromIPC } from "apache-arrow";
import { EVENT_KINDS, EVENTS_META, type EventKind, type EventsMeta } from "./events-contract";
import { readEvents } from "./events-reader";
import { recoverEvents } from "./events-recovery";
import { EventsStreamWriter, memorySink, type CodedEventBatch } from "./events-stream-writer";
import { encodeEventsFile } from "./events-writer";
import { encodeFileTail } from "./run-footer";

const start: EventsMeta = { clock: "x86-tsc", offset_ns: 5, lost_events: 0, cpu: 1, source: "tracefs" };
const end: EventsMeta = { ...start, lost_events: 7, unpaired: 3, events: ["irq/irq_handler_entry"] };
const NAMES = ["local_timer", "virtio1-req.0", "RCU", "kworker/1:1", "é-name"];

/** Rows sorted by start, with known kinds and names, nested and overlapping. */
function rows(n: number) {
  const ts = new BigInt64Array(n);
  const endNs = new BigInt64Array(n);
  const kind = new Uint8Array(n);
  const name = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    ts[i] = BigInt(i * 1000 - 500);
    endNs[i] = ts[i] + BigInt((i * 7919) % 5000);
    kind[i] = i % EVENT_KINDS.length;
    name[i] = (i * 31) % NAMES.length;
  }
  return { ts, end: endNs, kind, name, cpu: new Int32Array(n).fill(1) };
}

function slice(all: ReturnType<typeof rows>, from: number, to: number): CodedEventBatch {
  return {
    ts: all.ts.subarray(from, to),
    end: all.end.subarray(from, to),
    kind: all.kind.subarray(from, to),
    name: all.name.subarray(from, to),
    cpu: all.cpu.subarray(from, to),
    names: NAMES,
  };
}

function streamed(all: ReturnType<typeof rows>, batchRows: number, finish = true): Uint8Array {
  const sink = memorySink();
  const writer = new EventsStreamWriter(sink, start);
  for (let at = 0; at < all.ts.length; at += batchRows)
    writer.write(slice(all, at, Math.min(all.ts.length, at + batchRows)));
  if (finish) writer.finish(end);
  return sink.bytes();
}

function held(all: ReturnType<typeof rows>): Uint8Array {
  return encodeEventsFile(
    {
      ts: all.ts,
      end: all.end,
      kind: Array.from(all.kind, (k) => EVENT_KINDS[k] as EventKind),
      name: Array.from(all.name, (k) => NAMES[k]),
      cpu: all.cpu,
    },
    end,
  );
}

describe("EventsStreamWriter", () => {
  it("writes the same events and final metadata as the whole-file writer, whatever the batch size", async () => {
    const all = rows(1500);
    const expected = await readEvents(held(all), "held.events.arrow");
    for (const batchRows of [1, 7, 1000, 1499, 1500]) {
      const got = await readEvents(streamed(all, batchRows), "streamed.events.arrow");
      expect(got.recovered).toBeUndefined();
      expect(got.meta).toEqual(expected.meta);
      expect(got.meta.lost_events).toBe(7);
      expect(Array.from(got.ts)).toEqual(Array.from(expected.ts));
      expect(Array.from(got.end)).toEqual(Array.from(expected.end));
      expect(got.kind).toEqual(expected.kind);
      expect(got.name).toEqual(expected.name);
      expect(Array.from(got.cpu)).toEqual(Array.from(expected.cpu));
    }
  });

  it("opens with the schema and ends with a footer that any Arrow reader uses, with the final metadata", () => {
    const bytes = streamed(rows(100), 30);
    expect(new TextDecoder().decode(bytes.subarray(0, 6))).toBe("ARROW1");
    expect(new TextDecoder().decode(bytes.subarray(bytes.byteLength - 6))).toBe("ARROW1");
    const table = tableFromIPC(bytes);
    expect(table.numRows).toBe(100);
    expect(table.batches.length).toBe(4);
    expect(JSON.parse(table.schema.metadata.get(EVENTS_META)!)).toEqual(end);
  });

  it("an empty recording is a valid file with no rows", async () => {
    const got = await readEvents(streamed(rows(0), 10), "empty.events.arrow");
    expect(got.ts.length).toBe(0);
    expect(got.meta).toEqual(end);
  });
});

describe("an events file whose writer did not finish", () => {
  const all = rows(1000);
  const unfinished = streamed(all, 100, false);

  it("is read up to its last whole batch, and says so", async () => {
    const got = await readEvents(unfinished, "crashed.events.arrow");
    expect(got.ts.length).toBe(1000);
    expect(got.recovered).toBe("recovered: 1,000 events, the recording did not finish");
    expect(got.meta).toEqual(start);
  });

  it("cut anywhere after its schema keeps exactly the whole batches before the cut, never a wrong row", async () => {
    const recovery = (await recoverEvents(unfinished, "x"))!;
    const schemaEnd = recovery.blocks[0].offset;
    for (const cut of [schemaEnd, schemaEnd + 3, recovery.blocks[4].offset + 20, unfinished.byteLength - 1]) {
      const bytes = unfinished.subarray(0, cut);
      const got = await readEvents(bytes, "cut.events.arrow");
      const whole = recovery.blocks.filter((b) => b.offset + b.metaDataLength + b.bodyLength <= cut).length;
      expect(got.ts.length).toBe(whole * 100);
      expect(Array.from(got.ts)).toEqual(Array.from(all.ts.subarray(0, whole * 100)).map(Number));
      expect(got.recovered).toMatch(/^recovered: /);
    }
  });

  it("given a footer after its last whole batch (what repair appends), is a complete file", async () => {
    const cut = unfinished.subarray(0, unfinished.byteLength - 10);
    const recovery = (await recoverEvents(cut, "x"))!;
    const tail = encodeFileTail(recovery.schema, recovery.blocks);
    const repaired = new Uint8Array(recovery.wholeBytes + tail.byteLength);
    repaired.set(cut.subarray(0, recovery.wholeBytes));
    repaired.set(tail, recovery.wholeBytes);
    const got = await readEvents(repaired, "repaired.events.arrow");
    expect(got.recovered).toBeUndefined();
    expect(got.ts.length).toBe(900);
    expect(tableFromIPC(repaired).numRows).toBe(900);
  });
});
