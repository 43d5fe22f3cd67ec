import { describe, expect, it } from "vitest";
import { decodeSummary, encodeSummary, encodeSummaryChunks, summarizeRun } from "./index";
import { firstDifference } from "./testing/first-difference";
import { syntheticSampleBatches } from "../format/testing/synthetic-trace";
import type { RunSummary } from "./types";

async function summaryOf(samples: number) {
  const { batches } = syntheticSampleBatches({ samples, batchRows: 100_000 });
  return summarizeRun(batches, { test: "tick" });
}

/** A summary as saved before sparse arrays (TKSUM1): every array written out whole. */
function encodeDense(summary: RunSummary): Uint8Array {
  const arrays: Float64Array[] = [];
  let at = 0;
  const header = new TextEncoder().encode(
    JSON.stringify(
      { ...summary, pyramid: { originNs: summary.pyramid.originNs, level0: summary.pyramid.levels[0] } },
      (_key, value) => {
        if (value instanceof Float64Array) {
          arrays.push(value);
          at += value.length;
          return { $f64: [at - value.length, value.length] };
        }
        return typeof value === "number" && !Number.isFinite(value) ? { $num: String(value) } : value;
      },
    ),
  );
  const bodyStart = Math.ceil((12 + header.byteLength) / 8) * 8;
  const out = new Uint8Array(bodyStart + at * 8);
  out.set(new TextEncoder().encode("TKSUM1\0\0"));
  new DataView(out.buffer).setUint32(8, header.byteLength, true);
  out.set(header, 12);
  const body = new Float64Array(out.buffer, bodyStart, at);
  arrays.reduce((pos, array) => (body.set(array, pos), pos + array.length), 0);
  return out;
}

describe("saved summaries", () => {
  it("grow with the samples summarised: a 500-sample run takes kilobytes, not megabytes", async () => {
    const small = encodeSummary(await summaryOf(500));
    const larger = encodeSummary(await summaryOf(50_000));
    expect(small.byteLength).toBeLessThan(128 * 1024);
    expect(larger.byteLength).toBeGreaterThan(small.byteLength);
    // Before: the pyramid's pre-allocated buckets were written whole, ~5 MB for any short run.
    expect(encodeDense(await summaryOf(500)).byteLength).toBeGreaterThan(1024 * 1024);
  });

  it("reload to the same summary, sparse or not", async () => {
    for (const samples of [1, 500, 50_000]) {
      const summary = await summaryOf(samples);
      expect(firstDifference(decodeSummary(encodeSummary(summary)), summary)).toBeNull();
    }
  });

  it("reload from a Node Buffer (readFileSync), whose slice() is a view, not a copy", async () => {
    const summary = await summaryOf(50_000);
    const buffer = Buffer.from(encodeSummary(summary));
    expect(firstDifference(decodeSummary(buffer), summary)).toBeNull();
  });

  it("in pieces: the same bytes, its dense arrays written from the summary's own memory, not copied", async () => {
    const summary = await summaryOf(50_000);
    const chunks = encodeSummaryChunks(summary);
    expect(Buffer.concat(chunks).equals(Buffer.from(encodeSummary(summary)))).toBe(true);
    const worst = summary.worst.durationNs;
    expect(worst.every((v) => v !== 0 && !Number.isNaN(v))).toBe(true); // dense: stored as it is
    expect(
      chunks.some((chunk) => chunk.buffer === worst.buffer && chunk.byteOffset === worst.byteOffset),
    ).toBe(true);
    expect(firstDifference(decodeSummary(Buffer.concat(chunks)), summary)).toBeNull();
  });

  it("still read a summary saved as TKSUM1", async () => {
    const summary = await summaryOf(500);
    expect(firstDifference(decodeSummary(encodeDense(summary)), summary)).toBeNull();
  });

  it("say what a file that is not a summary is", () => {
    expect(() => decodeSummary(new TextEncoder().encode("TKSUM9\0\0...."), "runs/a.summary")).toThrow(
      /runs\/a\.summary: expected a tickscope summary/,
    );
  });
});
