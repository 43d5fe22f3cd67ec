import { describe, expect, it } from "vitest";
import { syntheticSampleBatches } from "../format/testing/synthetic-trace";
import { firstDifference } from "./testing/first-difference";
import { decodeCheckpointFile, encodeCheckpointChunks, encodeCheckpointFile } from "./checkpoint-file";
import { batchCount, encodeSummary, SummaryBuilder, type SummaryOptions } from "./index";

// 40 s of a 68 µs busy loop with its ticks, a 2 ms spike every second and one 7.19 ms worst; small
// batches so that checkpoints fall between many of them, and few spikes kept so their threshold rises.
const { batches, truth } = syntheticSampleBatches({
  samples: 580_000,
  batchRows: 20_000,
  worst: { atNs: 23.456e9, ns: 7_190_000 },
});
const options: SummaryOptions = { test: "tick", warmupSamples: 100_000, maxSpikes: 30 };

function fullPass() {
  const builder = new SummaryBuilder(options);
  for (const batch of batches) builder.add(batch);
  return builder.finish();
}

describe("a summary in progress, checkpointed and resumed", () => {
  const whole = Buffer.from(encodeSummary(fullPass()));

  it("has no checkpoint while the first samples are held back for the baseline", () => {
    const builder = new SummaryBuilder(options);
    builder.add(batches[0]);
    expect(builder.checkpoint()).toBeNull();
  });

  for (const at of [5, 11, 28])
    it(`resumed from a checkpoint after batch ${at} of ${batches.length}: the summary a single pass gives, byte for byte`, () => {
      const builder = new SummaryBuilder(options);
      for (const batch of batches.slice(0, at)) builder.add(batch);
      const checkpoint = builder.checkpoint()!;
      expect(checkpoint.scalars.count).toBe(at * 20_000);
      expect(batchCount(checkpoint.batches)).toBe(at);
      // The builder goes on and finishes: the checkpoint is a copy, unchanged by it.
      for (const batch of batches.slice(at)) builder.add(batch);
      expect(Buffer.from(encodeSummary(builder.finish())).equals(whole)).toBe(true);
      const resumed = SummaryBuilder.resume(structuredClone(checkpoint));
      for (const batch of batches.slice(at)) resumed.add(batch);
      const summary = resumed.finish();
      const bytes = Buffer.from(encodeSummary(summary));
      expect(firstDifference(bytes, whole)).toBeNull();
      // And it is right, not merely the same: the known worst sample and the spike families.
      expect(summary.count).toBe(580_000);
      expect(summary.max).toEqual({ durationNs: truth.max.durationNs, ts: truth.max.ts });
      expect(summary.spikes.raised).toBe(true);
    });

  it("is written in pieces that are the checkpoint file's bytes, its arrays not copied, and reads back", () => {
    const builder = new SummaryBuilder(options);
    for (const batch of batches.slice(0, 11)) builder.add(batch);
    const checkpoint = builder.checkpoint({ copy: false })!;
    const file = { run: { file: "tick.arrow", coveredBytes: 1234, blocks: [] }, checkpoint };
    const chunks = encodeCheckpointChunks(file);
    expect(Buffer.concat(chunks).equals(Buffer.from(encodeCheckpointFile(file)))).toBe(true);
    // The pyramid's columns are written from the builder's own memory.
    const level = checkpoint.pyramid.level;
    expect(chunks.some((chunk) => chunk.buffer === level.count.buffer)).toBe(true);
    const read = decodeCheckpointFile(Buffer.concat(chunks));
    expect(read.run.coveredBytes).toBe(1234);
    expect(read.checkpoint.scalars.count).toBe(11 * 20_000);
    expect(Array.from(read.checkpoint.pyramid.level.count)).toEqual(Array.from(level.count));
  });
});
