import { tableFromIPC } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { EVENTS_META, type EventsMeta } from "./events-contract";
import { memorySink } from "./events-stream-writer";
import { readSteal } from "./events-reader";
import { recoverEvents } from "./events-recovery";
import { encodeStealFile } from "./events-writer";
import { StealStreamWriter } from "./steal-stream-writer";

const start: EventsMeta = {
  clock: "x86-tsc",
  offset_ns: 5,
  lost_events: 0,
  cpu: 1,
  source: "/proc/stat",
  recording: "unfinished",
};
const end: EventsMeta = { ...start, lost_events: 4, recording: undefined, events: ["irq/irq_handler_entry"] };

/** A day of seconds: steal in 10 ms ticks, some seconds without any. */
function seconds(n: number) {
  const second = Int32Array.from({ length: n }, (_, i) => i);
  const steal = BigInt64Array.from({ length: n }, (_, i) => BigInt(((i * 7919) % 5) * 10_000_000));
  return { second, steal };
}

function streamed(n: number, batchRows: number, finish = true): Uint8Array {
  const all = seconds(n);
  const sink = memorySink();
  const writer = new StealStreamWriter(sink, start);
  for (let at = 0; at < n; at += batchRows)
    writer.write({
      second: all.second.subarray(at, Math.min(n, at + batchRows)),
      steal: all.steal.subarray(at, Math.min(n, at + batchRows)),
    });
  if (finish) writer.finish(end);
  return sink.bytes();
}

describe("the steal table written as the run goes", () => {
  it("reads as the whole-file writer's table, with the final metadata, for any Arrow reader", async () => {
    for (const [n, batchRows] of [
      [86_400, 10], // a day, a batch every 10 s as the collector writes it
      [86_400, 86_400],
      [1000, 1],
      [1000, 999],
    ]) {
      const expected = await readSteal(encodeStealFile(seconds(n), end), "held.steal.arrow");
      const bytes = streamed(n, batchRows);
      const got = await readSteal(bytes, "streamed.steal.arrow");
      expect(got.recovered).toBeUndefined();
      expect(got.meta).toEqual(expected.meta);
      expect(Array.from(got.second)).toEqual(Array.from(expected.second));
      expect(Array.from(got.stealNs)).toEqual(Array.from(expected.stealNs));
      const table = tableFromIPC(bytes);
      expect(table.numRows).toBe(n);
      expect(JSON.parse(table.schema.metadata.get(EVENTS_META)!)).toEqual(JSON.parse(JSON.stringify(end)));
    }
  });

  it("refuses seconds that do not increase across batches", () => {
    const writer = new StealStreamWriter(memorySink(), start);
    writer.write({ second: Int32Array.from([0, 1]), steal: new BigInt64Array(2) });
    expect(() => writer.write({ second: Int32Array.from([1]), steal: new BigInt64Array(1) })).toThrow(
      /steal second 1 comes after 1/,
    );
  });

  it("left unfinished (a crash), cut anywhere after its schema: exactly the whole batches before the cut, said to be recovered", async () => {
    const unfinished = streamed(1000, 10, false);
    const recovery = (await recoverEvents(unfinished, "x"))!;
    const all = seconds(1000);
    const schemaEnd = recovery.blocks[0].offset;
    for (const cut of [schemaEnd, schemaEnd + 3, recovery.blocks[40].offset + 20, unfinished.byteLength]) {
      const got = await readSteal(unfinished.subarray(0, cut), "runs/tick.steal.arrow");
      const whole = recovery.blocks.filter((b) => b.offset + b.metaDataLength + b.bodyLength <= cut).length;
      expect(got.second.length).toBe(whole * 10);
      expect(Array.from(got.stealNs)).toEqual(Array.from(all.steal.subarray(0, whole * 10), Number));
      expect(got.meta).toEqual(start);
      expect(got.recovered).toMatch(
        new RegExp(
          `^recovered: ${(whole * 10).toLocaleString("en")} seconds of steal, the recording did not finish`,
        ),
      );
    }
  });
});
