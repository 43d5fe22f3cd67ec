import { describe, expect, it } from "vitest";
import { FormatError } from "./errors";
import { recoveredNote } from "./recovery";
import { openRun, type SampleBatch } from "./run-reader";
import { encodeSyntheticRun, syntheticSampleBatches } from "./testing/synthetic-trace";

const options = { samples: 30_000, batchRows: 7_000, test: "tick" as const, seed: 12 };
const expected = syntheticSampleBatches(options).batches;

async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.byteLength; at += size) yield bytes.slice(at, at + size);
}

/** A small seeded generator, so that the "random" offsets are the same on every run. */
function offsets(seed: number, count: number, below: number): number[] {
  let state = seed >>> 0;
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out.push(Math.floor((state / 2 ** 32) * below));
  }
  return out;
}

async function readRecovered(source: Parameters<typeof openRun>[0]) {
  const run = await openRun(source, "cut.arrow");
  const batches: SampleBatch[] = [];
  for await (const batch of run.batches({ allowEmpty: true })) batches.push(batch);
  return { run, batches };
}

describe("a run file whose writer did not finish (no footer)", async () => {
  const { bytes } = encodeSyntheticRun(options);
  const { blocks } = await openRun(bytes, "whole.arrow");
  const ends = blocks!.map((b) => b.offset + b.metaDataLength + b.bodyLength);
  const schemaEnd = blocks![0].offset;
  const wholeBatchesBefore = (cut: number) => ends.filter((end) => end <= cut).length;

  it.each(offsets(7, 10, bytes.byteLength).map((cut) => [cut]))(
    "cut at byte %i: read up to its last whole batch, or refused naming the byte",
    async (cut) => {
      const part = bytes.slice(0, cut);
      for (const source of [part, chunked(part, 4093)]) {
        if (cut < schemaEnd) {
          const error = await openRun(source, "cut.arrow").then(
            () => null,
            (e: unknown) => e,
          );
          expect(error).toBeInstanceOf(FormatError);
          expect((error as FormatError).message).toMatch(/byte \d+/);
          continue;
        }
        const { run, batches } = await readRecovered(source);
        const whole = wholeBatchesBefore(cut);
        expect(batches).toHaveLength(whole);
        batches.forEach((batch, i) => {
          expect(Array.from(batch.ts)).toEqual(Array.from(expected[i].ts));
          expect(Array.from(batch.duration)).toEqual(Array.from(expected[i].duration));
        });
        const samples = expected.slice(0, whole).reduce((n, b) => n + b.ts.length, 0);
        expect(run.header.recovered).toBe(true);
        expect(run.recovery()).toMatchObject({
          samples,
          batches: whole,
          wholeBytes: whole ? ends[whole - 1] : schemaEnd,
        });
        const cutInside = whole < ends.length && cut > (whole ? ends[whole - 1] : schemaEnd);
        expect(run.recovery()!.cutAt).toBe(cutInside ? (whole ? ends[whole - 1] : schemaEnd) : null);
      }
    },
  );

  it("a file ending in its footer, or between batches, loses nothing that was whole", async () => {
    const { run, batches } = await readRecovered(bytes.slice(0, bytes.byteLength - 20));
    expect(batches).toHaveLength(expected.length);
    expect(run.recovery()).toMatchObject({ samples: 30_000, cutAt: null });
    const between = await readRecovered(chunked(bytes.slice(0, ends[2]), 1000));
    expect(between.run.recovery()).toMatchObject({ samples: 21_000, batches: 3, cutAt: null });
  });

  it("a file cut inside its schema is refused, naming where it ends", async () => {
    for (const source of [bytes.slice(0, schemaEnd - 5), chunked(bytes.slice(0, schemaEnd - 5), 64)]) {
      const error = await openRun(source, "cut.arrow").then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(FormatError);
      expect(error).toMatchObject({ file: "cut.arrow", field: "schema" });
      expect((error as FormatError).message).toContain("an incomplete message from byte 8");
    }
  });

  it("a whole file is not recovered", async () => {
    for (const source of [bytes, chunked(bytes, 4093)]) {
      const { run } = await readRecovered(source);
      expect(run.recovery()).toBeNull();
      expect(run.header.recovered).toBeFalsy();
    }
  });

  it("says what it recovered", () => {
    expect(recoveredNote(1234567)).toBe("recovered: 1,234,567 samples, the run did not finish");
  });
});
