import { describe, expect, it } from "vitest";
import { tableFromArrays, tableToIPC } from "apache-arrow";
import { Footer } from "apache-arrow/ipc/metadata/file";
import { COLUMN, META } from "./contract";
import { FormatError } from "./errors";
import { encodeRunFile } from "./run-writer";
import { openRun, readBatchesAt, readRunBatches, readRunHeader, type SampleBatch } from "./run-reader";
import { encodeSyntheticRun, syntheticSampleBatches } from "./testing/synthetic-trace";

async function readAll(
  source: Parameters<typeof readRunBatches>[0],
  file = "run.arrow",
): Promise<SampleBatch[]> {
  const out: SampleBatch[] = [];
  for await (const batch of readRunBatches(source, file)) out.push(batch);
  return out;
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

async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.byteLength; at += size) yield bytes.slice(at, at + size);
}

const options = { samples: 30_000, batchRows: 7_000, test: "switch" as const, threads: 3 };
const expected = syntheticSampleBatches(options).batches;

function expectSameSamples(batches: SampleBatch[]) {
  expect(batches.map((b) => b.ts.length)).toEqual(expected.map((b) => b.ts.length));
  batches.forEach((batch, i) => {
    expect(batch.index).toBe(i);
    expect(batch.firstRow).toBe(expected[i].firstRow);
    expect(Array.from(batch.ts)).toEqual(Array.from(expected[i].ts));
    expect(Array.from(batch.duration)).toEqual(Array.from(expected[i].duration));
    expect(Array.from(batch.thread!)).toEqual(Array.from(expected[i].thread!));
  });
}

describe("readRunBatches", () => {
  it("reads the file format batch by batch, with each batch's byte offset from the footer", async () => {
    const { bytes } = encodeSyntheticRun(options);
    const batches = await readAll(bytes);
    expectSameSamples(batches);
    const run = await openRun(bytes, "run.arrow");
    expect(run.header).toMatchObject({ format: "file", kind: "samples", test: "switch" });
    expect(run.blocks!.map((b) => b.offset)).toEqual(batches.map((b) => b.byteOffset));
  });

  it("reads the stream format, from bytes, a Blob and an async stream of odd-sized chunks", async () => {
    const { bytes } = encodeSyntheticRun(options, {}, "stream");
    expectSameSamples(await readAll(bytes));
    expectSameSamples(await readAll(new Blob([bytes as BlobPart])));
    expectSameSamples(await readAll(chunked(bytes, 4093)));
    expect((await readRunHeader(bytes, "run.arrows")).format).toBe("stream");
  });

  it("reads a file-format run handed over as a stream of chunks", async () => {
    const { bytes } = encodeSyntheticRun(options);
    expectSameSamples(await readAll(chunked(bytes, 65_521)));
  });

  it("reads a streamed file-format run front to back, with the footer's byte offsets", async () => {
    const { bytes } = encodeSyntheticRun(options);
    const run = await openRun(chunked(bytes, 4093), "run.arrow");
    expect(run.header).toMatchObject({ format: "file", kind: "samples", test: "switch" });
    const streamed: SampleBatch[] = [];
    for await (const batch of run.batches()) streamed.push(batch);
    expectSameSamples(streamed);
    const { blocks } = await openRun(bytes, "run.arrow");
    expect(streamed.map((b) => [b.byteOffset, b.byteLength])).toEqual(
      blocks!.map((b) => [b.offset, b.metaDataLength + b.bodyLength]),
    );
  });

  it("reads a streamed file-format run without a leading schema (apache-arrow's file writer)", async () => {
    const table = tableFromArrays({
      ts_ns: BigInt64Array.from([0n, 10n, 20n]),
      duration_ns: Uint32Array.from([5, 6, 7]),
    });
    const batches = await readAll(chunked(tableToIPC(table, "file"), 7));
    expect(Array.from(batches[0].duration)).toEqual([5, 6, 7]);
  });

  it("accepts int64, int32, uint16 and uint32 durations and uint64 timestamps", async () => {
    for (const durationType of ["int64", "int32", "uint32"] as const) {
      const { bytes } = encodeSyntheticRun({ ...options, durationType, tsType: "uint64" });
      expectSameSamples(await readAll(bytes));
    }
    const ts = BigInt64Array.from([0n, 10n, 20n]);
    const small = await readAll(encodeRunFile({ ts, duration: Uint16Array.from([5, 6, 7]) }));
    expect(Array.from(small[0].duration)).toEqual([5, 6, 7]);
  });

  it("fetches chosen batches by their byte offsets, as File.slice or HTTP Range would", async () => {
    const { bytes } = encodeSyntheticRun(options);
    const all = await readAll(bytes);
    const chosen = [all[3], all[1]].map((b) => ({
      index: b.index,
      firstRow: b.firstRow,
      byteOffset: b.byteOffset!,
      byteLength: b.byteLength!,
    }));
    const fetched: SampleBatch[] = [];
    for await (const b of readBatchesAt(new Blob([bytes as BlobPart]), "run.arrow", chosen)) fetched.push(b);
    expect(fetched.map((b) => b.index)).toEqual([3, 1]);
    const [t0, t1] = [all[3].ts[100], all[3].ts[2000]];
    const windowed: SampleBatch[] = [];
    for await (const b of readBatchesAt(bytes, "run.arrow", chosen, { t0, t1 })) windowed.push(b);
    expect(windowed.map((b) => [b.firstRow, b.ts.length])).toEqual([
      [all[3].firstRow + 100, 1900],
      [all[1].firstRow + 7000, 0],
    ]);
    expect(Array.from(windowed[0].duration)).toEqual(Array.from(all[3].duration.subarray(100, 2000)));
    expect(Array.from(fetched[0].ts)).toEqual(Array.from(all[3].ts));
    expect(Array.from(fetched[1].duration)).toEqual(Array.from(all[1].duration));
  });

  it("reads the run's metadata and reports a bad latency:run without stopping", async () => {
    const good = encodeRunFile(
      { ts: BigInt64Array.from([0n]), duration: Uint32Array.from([1]) },
      { test: "tick", run: { environment: "emulated", threads: 2 } },
    );
    expect((await readRunHeader(good, "a.arrow")).fields).toEqual({ environment: "emulated", threads: 2 });
    const bad = tableToIPC(
      (() => {
        const t = tableFromArrays({ ts_ns: BigInt64Array.from([0n]), duration_ns: Uint32Array.from([1]) });
        t.schema.metadata.set(META.run, "{not json");
        return t;
      })(),
      "file",
    );
    const header = await readRunHeader(bad, "b.arrow");
    expect(header.problems).toEqual([expect.objectContaining({ file: "b.arrow", field: META.run })]);
    expect((await readAll(bad, "b.arrow"))[0].ts.length).toBe(1);
  });
});

describe("readRunBatches rejects bad input with the file, column, row and what was expected", () => {
  const ts = BigInt64Array.from([0n, 100n, 200n, 300n]);

  it("not Arrow", async () => {
    const error = await failure(readAll(new TextEncoder().encode("ts_ns,duration_ns\n0,1\n"), "run.csv"));
    expect(error.file).toBe("run.csv");
    expect(error.expected).toMatch(/Arrow IPC/);
  });

  it("an empty file", async () => {
    expect((await failure(readAll(new Uint8Array(0), "empty.arrow"))).found).toBe("an empty file");
  });

  it("a truncated file, with the row where the data stops", async () => {
    const { bytes } = encodeSyntheticRun(options, {}, "stream");
    const error = await failure(readAll(bytes.subarray(0, Math.floor(bytes.byteLength * 0.6)), "cut.arrows"));
    expect(error.expected).toMatch(/truncated/);
    expect(error.row).toBe(14_000);
  });

  it("a streamed file whose footer lists other record batches than its messages", async () => {
    const { bytes } = encodeSyntheticRun(options);
    const end = bytes.byteLength - 10;
    const footerLength = new DataView(bytes.buffer, bytes.byteOffset + end, 4).getInt32(0, true);
    const footer = Footer.decode(bytes.subarray(end - footerLength, end));
    const fewer = Footer.encode(
      new Footer(footer.schema, footer.version, [...footer.recordBatches()].slice(1), []),
    );
    const tampered = new Uint8Array(end - footerLength + fewer.byteLength + 10);
    tampered.set(bytes.subarray(0, end - footerLength));
    tampered.set(fewer, end - footerLength);
    new DataView(tampered.buffer).setInt32(tampered.byteLength - 10, fewer.byteLength, true);
    tampered.set(bytes.subarray(bytes.byteLength - 6), tampered.byteLength - 6);
    // Read through its footer, the file shows one batch less than a reader going front to back.
    expect(await readAll(tampered)).toHaveLength(expected.length - 1);
    const error = await failure(readAll(chunked(tampered, 4093)));
    expect(error).toMatchObject({ file: "run.arrow", field: "footer" });
    expect(error.message).toMatch(/4 record batches listed, 5 in the file/);
  });

  it("a missing column", async () => {
    const error = await failure(
      readAll(encodeRunFile({ [COLUMN.ts]: ts, latency: Uint32Array.from([1, 2, 3, 4]) })),
    );
    expect(error.field).toBe(COLUMN.duration);
    expect(error.found).toMatch(/ts_ns, latency/);
  });

  it("a mistyped column", async () => {
    const bytes = tableToIPC(
      tableFromArrays({ ts_ns: ts, duration_ns: Float64Array.from([1, 2, 3, 4]) }),
      "file",
    );
    const error = await failure(readAll(bytes, "float.arrow"));
    expect(error).toMatchObject({ file: "float.arrow", field: COLUMN.duration, found: "Float64" });
  });

  it("a negative duration, at its row", async () => {
    const error = await failure(readAll(encodeRunFile({ ts, duration: Int32Array.from([5, 5, -3, 5]) })));
    expect(error).toMatchObject({ field: COLUMN.duration, row: 2, found: "-3" });
    const wide = await failure(
      readAll(encodeRunFile({ ts, duration: BigInt64Array.from([5n, -1n, 5n, 5n]) })),
    );
    expect(wide).toMatchObject({ field: COLUMN.duration, row: 1 });
  });

  it("decreasing timestamps, at their row", async () => {
    const error = await failure(
      readAll(
        encodeRunFile({
          ts: BigInt64Array.from([0n, 50n, 40n, 60n]),
          duration: Uint32Array.from([1, 1, 1, 1]),
        }),
      ),
    );
    expect(error).toMatchObject({ field: COLUMN.ts, row: 2, found: "40" });
  });

  it("an empty run", async () => {
    const error = await failure(
      readAll(encodeRunFile({ ts: new BigInt64Array(0), duration: new Uint32Array(0) })),
    );
    expect(error.found).toBe("an empty run");
  });

  it("a histogram run where samples are expected", async () => {
    const bytes = encodeRunFile(
      { [COLUMN.bucket]: ts, [COLUMN.count]: ts },
      { kind: "histogram", test: "cyclictest" },
    );
    expect((await failure(readAll(bytes))).field).toBe(META.kind);
  });
});
