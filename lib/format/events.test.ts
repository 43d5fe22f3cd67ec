import { describe, expect, it } from "vitest";
import {
  Field,
  Int32,
  Int64,
  RecordBatch,
  Schema,
  Struct,
  Table,
  Utf8,
  makeData,
  tableToIPC,
  vectorFromArray,
} from "apache-arrow";
import { EVENTS_META, eventsPathFor, stealPathFor, type EventKind, type EventsMeta } from "./events-contract";
import { readEventColumnBatches } from "./events-batches";
import { readEvents, readSteal } from "./events-reader";
import { encodeEventsFile, encodeStealFile } from "./events-writer";
import { FormatError } from "./errors";
import { manifestRunSchema } from "./manifest";

const meta: EventsMeta = { clock: "x86-tsc", offset_ns: 123, lost_events: 2, cpu: 1, source: "tracefs" };

function events(rows: [number, number, string, string][]) {
  return {
    ts: BigInt64Array.from(rows.map((r) => BigInt(r[0]))),
    end: BigInt64Array.from(rows.map((r) => BigInt(r[1]))),
    kind: rows.map((r) => r[2] as EventKind),
    name: rows.map((r) => r[3]),
    cpu: new Int32Array(rows.length).fill(1),
  };
}

async function failure(promise: Promise<unknown>): Promise<FormatError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof FormatError) return error;
    throw error;
  }
  throw new Error("expected a FormatError");
}

describe("events file", () => {
  it("round-trips intervals, names and the recording's metadata", async () => {
    const rows: [number, number, string, string][] = [
      [-500, 20_000, "tick", "local_timer"],
      [1_000, 3_000, "irq", "virtio1-req.0"],
      [4_000_000, 54_000_000, "throttle", "rt_throttling"],
      [4_000_100, 54_000_000, "thread", "swapper/1"],
    ];
    const read = await readEvents(encodeEventsFile(events(rows), meta), "runs/a.events.arrow");
    expect(read.meta).toEqual(meta);
    expect(Array.from(read.ts)).toEqual(rows.map((r) => r[0]));
    expect(Array.from(read.end)).toEqual(rows.map((r) => r[1]));
    expect(read.kind).toEqual(rows.map((r) => r[2]));
    expect(read.name).toEqual(rows.map((r) => r[3]));
    expect(Array.from(read.cpu)).toEqual([1, 1, 1, 1]);
  });

  it("round-trips an empty recording", async () => {
    const read = await readEvents(encodeEventsFile(events([]), meta), "e.arrow");
    expect(read.ts.length).toBe(0);
    expect(read.meta.lost_events).toBe(2);
  });

  it("refuses events out of order, naming the file, the column and the row", async () => {
    const bytes = encodeEventsFile(
      events([
        [10, 20, "tick", "local_timer"],
        [5, 30, "irq", "x"],
      ]),
      meta,
    );
    const error = await failure(readEvents(bytes, "runs/a.events.arrow"));
    expect(error).toMatchObject({ file: "runs/a.events.arrow", field: "ts_ns", row: 1, found: "5" });
    expect(error.message).toContain("sorted by start");
  });

  it("refuses an end before its start", async () => {
    const bytes = encodeEventsFile(events([[10, 9, "softirq", "RCU"]]), meta);
    expect(await failure(readEvents(bytes, "e.arrow"))).toMatchObject({
      field: "end_ns",
      row: 0,
      found: "9",
    });
  });

  it("refuses an unknown kind, listing the known ones", async () => {
    const bytes = encodeEventsFile(events([[10, 19, "hypervisor", "?"]]), meta);
    const error = await failure(readEvents(bytes, "e.arrow"));
    expect(error).toMatchObject({ field: "kind", row: 0, found: '"hypervisor"' });
    expect(error.expected).toContain("tick, irq, softirq, ipi, nmi, thread, throttle");
  });

  it("refuses missing or malformed metadata, a missing column and a wrong type", async () => {
    const noMeta = encodeWith({ withMeta: false });
    expect(await failure(readEvents(noMeta, "e.arrow"))).toMatchObject({ field: EVENTS_META });
    const badMeta = encodeWith({ meta: JSON.stringify({ ...meta, lost_events: -1 }) });
    expect(await failure(readEvents(badMeta, "e.arrow"))).toMatchObject({
      field: `${EVENTS_META}.lost_events`,
    });
    const notJson = encodeWith({ meta: "{" });
    expect(await failure(readEvents(notJson, "e.arrow"))).toMatchObject({ field: EVENTS_META });
    const noKind = encodeWith({ drop: "kind" });
    expect(await failure(readEvents(noKind, "e.arrow"))).toMatchObject({ field: "kind", found: "none" });
    const stringTs = encodeWith({ stringTs: true });
    expect(await failure(readEvents(stringTs, "e.arrow"))).toMatchObject({
      field: "ts_ns",
      expected: "int64",
    });
    expect(await failure(readEvents(new Uint8Array([1, 2, 3]), "e.arrow"))).toMatchObject({
      file: "e.arrow",
    });
  });

  it("read as typed columns for the attribution, refuses the same: a missing column (cpu too), a wrong type, a missing cpu value, an unknown kind", async () => {
    const columns = async (bytes: Uint8Array) => {
      for await (const b of (await readEventColumnBatches(bytes, "e.arrow")).batches) void b;
    };
    for (const drop of ["cpu", "kind", "ts_ns"])
      expect(await failure(columns(encodeWith({ drop }))), drop).toMatchObject({
        file: "e.arrow",
        field: drop,
        found: "none",
      });
    expect(await failure(columns(encodeWith({ stringTs: true })))).toMatchObject({
      field: "ts_ns",
      expected: "int64",
    });
    const nullCpu = encodeWith({ nullCpu: true });
    for (const read of [columns(nullCpu), readEvents(nullCpu, "e.arrow")])
      expect(await failure(read)).toMatchObject({
        file: "e.arrow",
        field: "cpu",
        expected: "no missing values",
        found: "1 nulls",
      });
    const unknownKind = encodeEventsFile(
      events([
        [0, 1, "tick", "a"],
        [1, 2, "bogus", "b"],
      ]),
      meta,
    );
    expect(await failure(columns(unknownKind))).toMatchObject({ field: "kind", row: 1, found: '"bogus"' });
  });
});

/** A hand-built events file with one defect, for the checks the writer would never produce. */
function encodeWith(o: {
  withMeta?: boolean;
  meta?: string;
  drop?: string;
  stringTs?: boolean;
  nullCpu?: boolean;
}): Uint8Array {
  const columns: [string, Int64 | Int32 | Utf8, ReturnType<typeof makeData>][] = [
    [
      "ts_ns",
      o.stringTs ? new Utf8() : new Int64(),
      o.stringTs
        ? vectorFromArray(["1"], new Utf8()).data[0]
        : makeData({ type: new Int64(), length: 1, data: new BigInt64Array([1n]) }),
    ],
    ["end_ns", new Int64(), makeData({ type: new Int64(), length: 1, data: new BigInt64Array([2n]) })],
    ["kind", new Utf8(), vectorFromArray(["tick"], new Utf8()).data[0]],
    ["name", new Utf8(), vectorFromArray(["local_timer"], new Utf8()).data[0]],
    [
      "cpu",
      new Int32(),
      o.nullCpu
        ? makeData({
            type: new Int32(),
            length: 1,
            nullCount: 1,
            nullBitmap: new Uint8Array([0]),
            data: new Int32Array([0]),
          })
        : makeData({ type: new Int32(), length: 1, data: new Int32Array([1]) }),
    ],
  ];
  const kept = columns.filter(([name]) => name !== o.drop);
  const metadata = new Map<string, string>();
  if (o.withMeta !== false) metadata.set(EVENTS_META, o.meta ?? JSON.stringify(meta));
  const schema = new Schema(
    kept.map(([name, type]) => new Field(name, type, false)),
    metadata,
  );
  const struct = makeData({ type: new Struct(schema.fields), length: 1, children: kept.map(([, , d]) => d) });
  return tableToIPC(new Table([new RecordBatch(schema, struct)]), "file");
}

describe("steal table", () => {
  it("round-trips steal per second", async () => {
    const bytes = encodeStealFile(
      { second: Int32Array.from([0, 1, 2]), steal: BigInt64Array.from([0n, 10_000_000n, 0n]) },
      meta,
    );
    const read = await readSteal(bytes, "runs/a.steal.arrow");
    expect(Array.from(read.second)).toEqual([0, 1, 2]);
    expect(Array.from(read.stealNs)).toEqual([0, 10_000_000, 0]);
    expect(read.meta).toEqual(meta);
  });

  it("refuses seconds out of order and negative steal", async () => {
    const backwards = encodeStealFile(
      { second: Int32Array.from([0, 2, 1]), steal: new BigInt64Array(3) },
      meta,
    );
    expect(await failure(readSteal(backwards, "s.arrow"))).toMatchObject({
      file: "s.arrow",
      field: "second",
      row: 2,
    });
    const negative = encodeStealFile(
      { second: Int32Array.from([0]), steal: BigInt64Array.from([-1n]) },
      meta,
    );
    expect(await failure(readSteal(negative, "s.arrow"))).toMatchObject({ field: "steal_ns", row: 0 });
  });
});

describe("the manifest and file names", () => {
  it("names the files after the run and accepts them in a run entry; entries without them still parse", () => {
    expect(eventsPathFor("runs/tick.arrow")).toBe("runs/tick.events.arrow");
    expect(stealPathFor("runs/tick.arrow")).toBe("runs/tick.steal.arrow");
    const entry = {
      id: "tick",
      file: "runs/tick.arrow",
      events: "runs/tick.events.arrow",
      steal: "runs/tick.steal.arrow",
    };
    expect(manifestRunSchema.parse(entry)).toMatchObject(entry);
    expect(manifestRunSchema.parse({ id: "t", file: "runs/t.arrow" }).events).toBeUndefined();
    expect(manifestRunSchema.safeParse({ ...entry, events: "" }).success).toBe(false);
  });
});
