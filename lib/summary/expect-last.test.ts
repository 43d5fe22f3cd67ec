import { describe, expect, it } from "vitest";
import { encodeSyntheticRun, syntheticSampleBatches } from "../format/testing/synthetic-trace";
import { lastTimestamp, openRun } from "../format/run-reader";
import { SummaryBuilder, type SummaryOptions } from "./summarize";

// A small pyramid cap, so that level 0 widens many times over the run (the path a hint skips).
const options: SummaryOptions = { test: "tick", pyramidBuckets: 256, warmupSamples: 20_000 };
const trace = { samples: 120_000, batchRows: 9_000, worst: { atNs: 4.1e9, ns: 3_000_000 } };
const { batches } = syntheticSampleBatches(trace);
const lastTs = batches.at(-1)!.ts.at(-1)!;

function summarise(hint: (builder: SummaryBuilder, batch: number) => void) {
  const builder = new SummaryBuilder(options);
  batches.forEach((batch, i) => {
    hint(builder, i);
    builder.add(batch);
  });
  return builder.finish();
}

describe("a summary told the run's last timestamp ahead", () => {
  const plain = summarise(() => undefined);

  it("is the summary of one pass without it, told before the first batch", () => {
    const told = summarise((builder, i) => i === 0 && builder.expectLastTs(lastTs));
    expect(told.pyramid.levels[0].widthNs).toBe(plain.pyramid.levels[0].widthNs);
    expect(told).toEqual(plain);
  });

  it("and told mid-run, after level 0 has started filling (and after the warm-up)", () => {
    for (const at of [1, 3, 7])
      expect(summarise((builder, i) => i === at && builder.expectLastTs(lastTs))).toEqual(plain);
  });

  it("a run file's last timestamp is read from its last record batch; a stream has none to read", async () => {
    const { bytes } = encodeSyntheticRun(trace);
    expect(await lastTimestamp(bytes, "run.arrow", await openRun(bytes, "run.arrow"))).toBe(lastTs);
    const stream = encodeSyntheticRun(trace, {}, "stream").bytes;
    expect(await lastTimestamp(stream, "run.arrow", await openRun(stream, "run.arrow"))).toBeNull();
  });
});
