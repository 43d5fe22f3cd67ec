import { describe, expect, it } from "vitest";
import { bytesSource } from "@/lib/format/byte-source";
import { readRunBatches } from "@/lib/format/run-reader";
import { encodeTickRun } from "@/lib/format/testing/tick-trace";
import { batchCount, batchEntries, batchEntry, summarizeRun } from "@/lib/summary";
import { BatchCache, CACHED_ROWS, READ_AHEAD_BATCH_ROWS, spans } from "./batch-cache";

describe("BatchCache", () => {
  it("reads the run's footer once, not once per raw window", async () => {
    const { bytes, truth } = encodeTickRun({
      id: "t",
      environment: "kvm",
      scenario: "one-to-all",
      options: { samples: 200_000, batchRows: 10_000 },
    });
    const summary = await summarizeRun(readRunBatches(bytes, "t.arrow"), { test: "tick" });
    const plain = bytesSource(bytes);
    let tailReads = 0;
    const source = {
      size: plain.size,
      read: (offset: number, length: number) => {
        if (offset + length === plain.size) tailReads++;
        return plain.read(offset, length);
      },
    };
    const cache = new BatchCache("t.arrow", source, summary);
    const step = truth.endNs / 10;
    for (let i = 0; i < 10; i++) {
      const batches = await cache.covering(i * step, i * step + 1e6);
      expect(batches.length).toBeGreaterThan(0);
      expect(batches[0].ts[0]).toBeLessThanOrEqual(i * step + 1e6);
    }
    expect(tailReads).toBe(1);
  });

  it("reads the batches a window needs that lie next to each other in one read, and decodes them exactly", async () => {
    const { bytes, truth } = encodeTickRun({
      id: "t",
      environment: "kvm",
      scenario: "one-to-all",
      options: { samples: 200_000, batchRows: 10_000 },
    });
    const summary = await summarizeRun(readRunBatches(bytes, "t.arrow"), { test: "tick" });
    const plain = bytesSource(bytes);
    const reads: number[] = [];
    const source = {
      size: plain.size,
      read: (offset: number, length: number) => {
        reads.push(length);
        return plain.read(offset, length);
      },
    };
    const cache = new BatchCache("t.arrow", source, summary);
    await cache.covering(0, 1);
    reads.length = 0;
    const batches = await cache.covering(truth.endNs * 0.2, truth.endNs * 0.6);
    expect(batches.length).toBeGreaterThanOrEqual(8);
    expect(reads).toHaveLength(1);
    const all = new Map<number, { ts: number[]; duration: number[] }>();
    for await (const batch of readRunBatches(bytes, "t.arrow"))
      all.set(batch.index, { ts: [...batch.ts], duration: [...batch.duration] });
    for (const batch of batches) {
      expect([...batch.ts]).toEqual(all.get(batch.index)!.ts);
      expect([...batch.duration]).toEqual(all.get(batch.index)!.duration);
    }
  });

  it("keeps as many samples of a run in small batches as of one in large ones, and drops the oldest past that", async () => {
    const rows = CACHED_ROWS / 64;
    const { bytes } = encodeTickRun({
      id: "t",
      environment: "kvm",
      scenario: "one-to-all",
      options: { samples: rows * 80, batchRows: rows },
    });
    const summary = await summarizeRun(readRunBatches(bytes, "t.arrow"), { test: "tick" });
    const plain = bytesSource(bytes);
    let reads = 0;
    const source = {
      size: plain.size,
      read: (offset: number, length: number) => {
        reads++;
        return plain.read(offset, length);
      },
    };
    const cache = new BatchCache("t.arrow", source, summary);
    // A window inside batch i alone.
    const inside = (i: number) => {
      const { tsFirst, tsLast } = batchEntry(summary.batches, i);
      return cache.covering(tsFirst, tsLast);
    };
    expect(batchCount(summary.batches)).toBe(80);
    // 64 batches, one window each, then back to the first: still held, no read.
    for (let i = 0; i < 64; i++) expect(await inside(i)).toHaveLength(1);
    reads = 0;
    await inside(0);
    expect(reads).toBe(0);
    // Past the budget, the least recently used go: batch 1 (0 was used again), not batch 17.
    for (let i = 64; i < 80; i++) await inside(i);
    reads = 0;
    await inside(17);
    expect(reads).toBe(0);
    await inside(1);
    expect(reads).toBe(1);
  });
  it("reads a window wide on each side ahead, so that the next pans read nothing", async () => {
    const { bytes } = encodeTickRun({
      id: "t",
      environment: "kvm",
      scenario: "one-to-all",
      options: { samples: 400_000, batchRows: 10_000 },
    });
    const summary = await summarizeRun(readRunBatches(bytes, "t.arrow"), { test: "tick" });
    const plain = bytesSource(bytes);
    let reads = 0;
    const source = {
      size: plain.size,
      read: (offset: number, length: number) => {
        reads++;
        return plain.read(offset, length);
      },
    };
    const cache = new BatchCache("t.arrow", source, summary);
    const t0 = summary.batches.tsFirst[18];
    const width = summary.batches.tsFirst[21] - t0;
    await cache.covering(t0, t0 + width);
    await cache.readAround(t0, t0 + width);
    reads = 0;
    for (let i = 1; i <= 4; i++) await cache.covering(t0 + (i * width) / 4, t0 + width + (i * width) / 4);
    for (let i = 1; i <= 4; i++) await cache.covering(t0 - (i * width) / 4, t0 + width - (i * width) / 4);
    expect(reads).toBe(0);
    await cache.covering(t0 + 3 * width, t0 + 4 * width);
    expect(reads).toBeGreaterThan(0);
  });

  it("answers a window asked during a read ahead before the read ahead ends, which still reads its sides", async () => {
    const { bytes } = encodeTickRun({
      id: "t",
      environment: "kvm",
      scenario: "one-to-all",
      options: { samples: 400_000, batchRows: 10_000 },
    });
    const summary = await summarizeRun(readRunBatches(bytes, "t.arrow"), { test: "tick" });
    const plain = bytesSource(bytes);
    let reads = 0;
    const source = {
      size: plain.size,
      read: (offset: number, length: number) => {
        reads++;
        return plain.read(offset, length);
      },
    };
    const cache = new BatchCache("t.arrow", source, summary);
    const b = batchEntries(summary.batches);
    await cache.covering(b[10].tsFirst, b[13].tsFirst);
    const order: string[] = [];
    const ahead = cache.readAround(b[10].tsFirst, b[13].tsFirst).then(() => order.push("read ahead"));
    const far = cache.covering(b[30].tsFirst, b[31].tsFirst).then((batches) => {
      order.push("window");
      return batches;
    });
    expect((await far).map((batch) => batch.index)).toEqual([30]);
    await ahead;
    expect(order).toEqual(["window", "read ahead"]);
    reads = 0;
    await cache.covering(b[13].tsFirst, b[16].tsFirst);
    await cache.covering(b[7].tsFirst, b[10].tsFirst);
    expect(reads).toBe(0);
  });

  it("does not read ahead batches too large to decode between two frames", async () => {
    const large = READ_AHEAD_BATCH_ROWS + 1;
    const { bytes } = encodeTickRun({
      id: "t",
      environment: "kvm",
      scenario: "one-to-all",
      options: { samples: 3 * large, batchRows: large },
    });
    const summary = await summarizeRun(readRunBatches(bytes, "t.arrow"), { test: "tick" });
    const plain = bytesSource(bytes);
    let reads = 0;
    const source = {
      size: plain.size,
      read: (offset: number, length: number) => {
        reads++;
        return plain.read(offset, length);
      },
    };
    const cache = new BatchCache("t.arrow", source, summary);
    const b = batchEntries(summary.batches);
    expect(b).toHaveLength(3);
    const t0 = b[1].tsFirst;
    const t1 = b[1].tsLast;
    await cache.covering(t0, t1);
    reads = 0;
    await cache.readAround(t0, t1);
    expect(reads).toBe(0);
    const next = await cache.covering(t1, t1 + (t1 - t0));
    expect(next.map((batch) => batch.index)).toEqual([1, 2]);
    expect(reads).toBe(1);
  });

  it("a window needing batches a read ahead is reading gets them whole, read once or again, never missing", async () => {
    const { bytes } = encodeTickRun({
      id: "t",
      environment: "kvm",
      scenario: "one-to-all",
      options: { samples: 400_000, batchRows: 10_000 },
    });
    const summary = await summarizeRun(readRunBatches(bytes, "t.arrow"), { test: "tick" });
    const cache = new BatchCache("t.arrow", bytesSource(bytes), summary);
    const b = batchEntries(summary.batches);
    await cache.covering(b[10].tsFirst, b[13].tsFirst);
    const ahead = cache.readAround(b[10].tsFirst, b[13].tsFirst);
    // Let the read ahead begin (its first task), then ask for batches it is reading.
    await new Promise((resolve) => setTimeout(resolve, 0));
    const window = await cache.covering(b[13].tsFirst, b[15].tsFirst);
    await ahead;
    expect(window.map((batch) => batch.index)).toEqual([13, 14]);
    const all = new Map<number, number>();
    for await (const batch of readRunBatches(bytes, "t.arrow")) all.set(batch.index, batch.ts.length);
    for (const batch of window) expect(batch.ts.length).toBe(all.get(batch.index));
  });

  it("hands a window all its batches while a read ahead makes room in the cache at the same time", async () => {
    const { bytes } = encodeTickRun({
      id: "t",
      environment: "kvm",
      scenario: "one-to-all",
      options: { samples: 400_000, batchRows: 10_000 },
    });
    const summary = await summarizeRun(readRunBatches(bytes, "t.arrow"), { test: "tick" });
    const cache = new BatchCache("t.arrow", bytesSource(bytes), summary, 30_000);
    const b = batchEntries(summary.batches);
    await cache.covering(b[10].tsFirst, b[12].tsFirst);
    const [ahead, far] = await Promise.all([
      cache.readAround(b[10].tsFirst, b[12].tsFirst),
      cache.covering(b[30].tsFirst, b[33].tsFirst),
    ]);
    expect(ahead).toBeUndefined();
    expect(far.map((batch) => batch?.index)).toEqual([30, 31, 32]);
  });
});

describe("spans", () => {
  const at = (index: number, byteOffset: number, byteLength: number) => ({
    index,
    firstRow: 0,
    rows: 1,
    tsFirst: 0,
    tsLast: 0,
    byteOffset,
    byteLength,
  });
  it("joins batches that touch, up to a size, and splits at a gap", () => {
    const groups = spans([at(0, 0, 10), at(1, 10, 10), at(2, 20, 10), at(3, 40, 10), at(4, 50, 10)], 25);
    expect(groups.map((g) => g.map((e) => e.index))).toEqual([[0, 1], [2], [3, 4]]);
  });
});
