import { appendFileSync, closeSync, openSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { encodeSyntheticRun } from "../../lib/format/testing/synthetic-trace";
import { openRun } from "../../lib/format/run-reader";
import { encodeSummary, summarizeRun, type RunSummary } from "../../lib/summary";
import { followFile, followRunSummary } from "./follow-run";
import { tempDir } from "../test/helpers";

const options = { samples: 120_000, batchRows: 10_000, test: "tick" as const, seed: 5 };

/** Appends `bytes` to `path` in uneven pieces (cutting messages anywhere), a few ms apart, then says it is done. */
async function writeSlowly(path: string, bytes: Uint8Array, state: { done: boolean }) {
  await new Promise((r) => setTimeout(r, 30)); // the file appears only after the follower started
  writeFileSync(path, bytes.subarray(0, 0));
  for (let at = 0, step = 1; at < bytes.byteLength; step = (step * 7 + 13) % 50_021) {
    appendFileSync(path, bytes.subarray(at, at + step + 1));
    at += step + 1;
    if (step % 3 === 0) await new Promise((r) => setTimeout(r, 2));
  }
  state.done = true;
}

/** What `collect` saves: the encoded summary, byte for byte. */
const saved = (summary: RunSummary) => Buffer.from(encodeSummary(summary));

async function summaryOf(bytes: Uint8Array) {
  const run = await openRun(bytes, "run.arrow");
  return summarizeRun(run.batches({ reuseTimestamps: true }), { test: "tick" });
}

describe("following a run file as the sampler writes it", () => {
  it("reads every byte, in order, of a file that appears late and grows in uneven pieces", async () => {
    const { bytes } = encodeSyntheticRun({ ...options, samples: 50_000 });
    const path = join(tempDir(), "run.arrow");
    const state = { done: false };
    const writing = writeSlowly(path, bytes, state);
    const got: Uint8Array[] = [];
    for await (const chunk of followFile(path, () => state.done, 5)) got.push(chunk.slice()); // each valid until the next
    await writing;
    expect(Buffer.concat(got).equals(Buffer.from(bytes))).toBe(true);
  });

  it("hands out each whole message as one chunk, all from one reused buffer: it holds one batch whatever the run's length", async () => {
    const { bytes } = encodeSyntheticRun(options);
    const { blocks } = await openRun(bytes, "run.arrow");
    const path = join(tempDir(), "run.arrow");
    const state = { done: false };
    const writing = writeSlowly(path, bytes, state);
    const chunks: { offset: number; length: number; buffer: ArrayBufferLike }[] = [];
    let offset = 0;
    for await (const chunk of followFile(path, () => state.done, 5)) {
      chunks.push({ offset, length: chunk.byteLength, buffer: chunk.buffer });
      offset += chunk.byteLength;
    }
    await writing;
    expect(offset).toBe(bytes.byteLength);
    for (const block of blocks!) {
      const chunk = chunks.find((c) => c.offset === block.offset);
      expect(chunk?.length).toBe(block.metaDataLength + block.bodyLength);
    }
    const batchBuffers = new Set(
      chunks.filter((c) => blocks!.some((b) => b.offset === c.offset)).map((c) => c.buffer),
    );
    expect(batchBuffers.size).toBe(1);
  });

  it("a file that never appears: nothing, once the writer is done", async () => {
    const got: Uint8Array[] = [];
    for await (const chunk of followFile(join(tempDir(), "none.arrow"), () => true, 5)) got.push(chunk);
    expect(got).toEqual([]);
  });

  it("the summary kept while the file grew is the one a pass over the finished file gives", async () => {
    const { bytes } = encodeSyntheticRun(options);
    const path = join(tempDir(), "run.arrow");
    const state = { done: false };
    const [followed] = await Promise.all([
      followRunSummary(path, "run.arrow", { test: "tick" }, () => state.done, 5),
      writeSlowly(path, bytes, state),
    ]);
    expect(followed.count).toBe(120_000);
    expect(saved(followed).equals(saved(await summaryOf(bytes)))).toBe(true);
    // For saving: level 0 alone (what is stored), not the levels a load rebuilds.
    expect(followed.pyramid.levels).toHaveLength(1);
    expect(followed.pyramid.levels[0].size).toBeGreaterThan(1);
  });

  it("a run whose metadata is replaced in place at its end (the sampler's final metadata) is followed to its footer", async () => {
    const first = encodeSyntheticRun(options, { run: { label: "provisional" } }).bytes;
    const last = encodeSyntheticRun(options, { run: { label: "final-value" } }).bytes;
    expect(first.byteLength).toBe(last.byteLength);
    const schemaEnd = (await openRun(last, "run.arrow")).blocks![0].offset;
    const path = join(tempDir(), "run.arrow");
    const state = { done: false };
    const grown = new Uint8Array(last);
    grown.set(first.subarray(0, schemaEnd));
    const [followed] = await Promise.all([
      followRunSummary(path, "run.arrow", { test: "tick" }, () => state.done, 5),
      (async () => {
        await writeSlowly(path, grown, { done: false });
        const fd = openSync(path, "r+");
        writeSync(fd, last.subarray(0, schemaEnd), 0, schemaEnd, 0);
        closeSync(fd);
        state.done = true;
      })(),
    ]);
    expect(followed.count).toBe(120_000);
    expect(saved(followed).equals(saved(await summaryOf(last)))).toBe(true);
  });

  it("a writer that died mid-batch: the summary of its whole batches, as a reader recovers them", async () => {
    const { bytes } = encodeSyntheticRun(options);
    const { blocks } = await openRun(bytes, "whole.arrow");
    const cut = blocks![7].offset + 100; // inside the 8th batch
    const path = join(tempDir(), "run.arrow");
    const state = { done: false };
    const [followed] = await Promise.all([
      followRunSummary(path, "run.arrow", { test: "tick" }, () => state.done, 5),
      writeSlowly(path, bytes.slice(0, cut), state),
    ]);
    expect(followed.count).toBe(7 * 10_000);
    expect(saved(followed).equals(saved(await summaryOf(bytes.slice(0, cut))))).toBe(true);
  });
});
