import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openRun } from "../../lib/format/run-reader";
import { openPathAsBundle } from "../../lib/format/node-source";
import { summarizeBundleRun } from "../../lib/analysis/summarize-bundle";
import { encodeSyntheticRun } from "../../lib/format/testing/synthetic-trace";
import { encodeSummary, summarizeRun, type SummaryOptions } from "../../lib/summary";
import { checkpointPathFor, decodeCheckpointFile } from "../../lib/summary/checkpoint-file";
import { firstDifference } from "../../lib/summary/testing/first-difference";
import { followFile } from "../src/follow-run";
import { repairRunFile } from "../src/repair-run";
import { summarizeWithCheckpoints } from "../src/summary-checkpoints";

const dir = mkdtempSync(join(tmpdir(), "tickscope-recover-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// 40 s of a 68 µs loop with its ticks, a 2 ms spike every second and one 7.19 ms worst, in 29 batches.
const trace = { samples: 580_000, batchRows: 20_000, worst: { atNs: 23.456e9, ns: 7_190_000 } };
const { bytes, truth } = encodeSyntheticRun(trace);
const blocks = (await openRun(bytes, "tick.arrow")).blocks!;
const options: SummaryOptions = { test: "tick", warmupSamples: 100_000, maxSpikes: 30 };
const end = (i: number) => blocks[i].offset + blocks[i].metaDataLength + blocks[i].bodyLength;

/** The run file as the sampler left it when killed: `whole` record batches, then part of the next. */
function crashedRun(name: string, whole: number, source = bytes): string {
  const path = join(dir, name);
  writeFileSync(path, source.subarray(0, end(whole - 1) + 1000));
  return path;
}

/** What the collector's follower leaves when it dies after reading `batches` record batches of `path`. */
async function followUntil(path: string, batches: number): Promise<void> {
  const run = await openRun(
    followFile(path, () => true),
    "tick.arrow",
    { followed: true },
  );
  async function* first() {
    let n = 0;
    for await (const batch of run.batches({ reuseTimestamps: true })) {
      if (n++ === batches) return;
      yield batch;
    }
  }
  await summarizeWithCheckpoints(
    first(),
    options,
    {
      file: "runs/tick.arrow",
      path: checkpointPathFor(path),
      keep: () => true,
    },
    undefined,
    { everyMs: 0, costFactor: 0, mostMs: 0, sizeFactor: 0 },
  );
}

/** The summary of the repaired file in one whole pass: the ground truth a resumed summary must equal. */
async function wholePass(path: string) {
  const run = await openRun(new Uint8Array(readFileSync(path)), "tick.arrow");
  return summarizeRun(run.batches(), options);
}

describe("repair resumes the summary from the collector's checkpoint", () => {
  it("reads only the batches after the checkpoint, and gives the whole pass's summary", async () => {
    const path = crashedRun("resumed.arrow", 25);
    await followUntil(path, 18);
    const saved = decodeCheckpointFile(readFileSync(checkpointPathFor(path)));
    expect(saved.run.coveredBytes).toBe(end(17));
    expect(saved.run.blocks).toEqual(blocks.slice(0, 18));

    const repaired = await repairRunFile(path, "tick.arrow", options, checkpointPathFor(path));
    expect(repaired.summarised).toBe(
      "summary resumed from its checkpoint (18 record batches); read the 7 after it" +
        ` (${repaired.bytesRead.toLocaleString("en")} of ${(end(24) + 1000).toLocaleString("en")} bytes)`,
    );
    expect(repaired.note).toMatch(/^recovered: 500,000 samples, the run did not finish/);
    // The tail (7 batches), the two batches checked, the schema and the footer search; not the 18 before.
    const tail = end(24) - end(17);
    const checked = end(0) - blocks[0].offset + (end(17) - blocks[17].offset);
    expect(repaired.bytesRead).toBeGreaterThanOrEqual(tail + checked);
    expect(repaired.bytesRead).toBeLessThan(tail + checked + 64 * 1024);
    expect(repaired.bytesRead).toBeLessThan(0.4 * end(24));
    expect(existsSync(checkpointPathFor(path))).toBe(false);

    const whole = await wholePass(path);
    expect(
      firstDifference(Buffer.from(encodeSummary(repaired.summary)), Buffer.from(encodeSummary(whole))),
    ).toBeNull();
    expect(repaired.summary.count).toBe(500_000);
    expect(repaired.summary.max).toEqual({ durationNs: truth.max.durationNs, ts: truth.max.ts });
    expect(Array.from(repaired.summary.batches.byteOffset)).toEqual(blocks.slice(0, 25).map((b) => b.offset));
  });

  it("falls back to the whole file, saying so, when the checkpoint is missing", async () => {
    const path = crashedRun("missing.arrow", 10);
    const repaired = await repairRunFile(path, "tick.arrow", options, checkpointPathFor(path));
    expect(repaired.summarised).toBe(
      "summary read from the whole file: no summary checkpoint (missing.checkpoint)",
    );
    expect(repaired.bytesRead).toBeGreaterThanOrEqual(end(9) - blocks[0].offset);
    expect(
      firstDifference(
        Buffer.from(encodeSummary(repaired.summary)),
        Buffer.from(encodeSummary(await wholePass(path))),
      ),
    ).toBeNull();
  });

  it("falls back when the checkpoint is corrupt, naming the damage", async () => {
    const path = crashedRun("corrupt.arrow", 20);
    await followUntil(path, 12);
    const checkpoint = readFileSync(checkpointPathFor(path));
    checkpoint[checkpoint.length - 100] ^= 0x40;
    writeFileSync(checkpointPathFor(path), checkpoint);
    const repaired = await repairRunFile(path, "tick.arrow", options, checkpointPathFor(path));
    expect(repaired.summarised).toMatch(
      /^summary read from the whole file: a corrupt checkpoint: corrupt\.checkpoint: expected a tickscope summary checkpoint \(TKCKP1\), found a checksum of [0-9a-f]+ where it says [0-9a-f]+ \(damaged\)$/,
    );
    expect(repaired.summary.count).toBe(400_000);
    expect(
      firstDifference(
        Buffer.from(encodeSummary(repaired.summary)),
        Buffer.from(encodeSummary(await wholePass(path))),
      ),
    ).toBeNull();
  });

  it("falls back when the checkpoint is ahead of the file (the file was truncated after it)", async () => {
    const path = crashedRun("ahead.arrow", 20);
    await followUntil(path, 16);
    writeFileSync(path, bytes.subarray(0, end(9) + 10));
    const repaired = await repairRunFile(path, "tick.arrow", options, checkpointPathFor(path));
    expect(repaired.summarised).toBe(
      `summary read from the whole file: a checkpoint ahead of the file: ahead.checkpoint covers ${end(15)} bytes, the file has ${end(9) + 10}`,
    );
    expect(repaired.summary.count).toBe(200_000);
    expect(
      firstDifference(
        Buffer.from(encodeSummary(repaired.summary)),
        Buffer.from(encodeSummary(await wholePass(path))),
      ),
    ).toBeNull();
  });

  it("falls back when the checkpoint is another run's (its batches hold other samples)", async () => {
    const other = encodeSyntheticRun({ ...trace, seed: 99 }).bytes;
    const path = crashedRun("other.arrow", 20);
    const otherPath = crashedRun("other-run.arrow", 20, other);
    await followUntil(otherPath, 12);
    writeFileSync(checkpointPathFor(path), readFileSync(checkpointPathFor(otherPath)));
    const repaired = await repairRunFile(path, "tick.arrow", options, checkpointPathFor(path));
    expect(repaired.summarised).toMatch(
      /^summary read from the whole file: a checkpoint that does not match the file: other\.checkpoint says record batch 0 at byte \d+ holds other samples$/,
    );
    expect(
      firstDifference(
        Buffer.from(encodeSummary(repaired.summary)),
        Buffer.from(encodeSummary(await wholePass(path))),
      ),
    ).toBeNull();
  });

  it("analyze of a crashed bundle (no saved summary) resumes from the checkpoint too, with the whole pass's summary", async () => {
    const folder = join(dir, "crashed-bundle");
    mkdirSync(join(folder, "runs"), { recursive: true });
    const path = join(folder, "runs", "tick.arrow");
    writeFileSync(path, bytes.subarray(0, end(21) + 1000));
    writeFileSync(
      join(folder, "manifest.json"),
      JSON.stringify({
        format: "latency-bundle",
        version: 1,
        runs: [{ id: "tick", file: "runs/tick.arrow", test: "tick", stopped: "crashed" }],
      }),
    );
    await followUntil(path, 15);
    const bundle = await openPathAsBundle(folder);
    try {
      const result = await summarizeBundleRun(bundle, bundle.runs[0]);
      expect(result.errors).toEqual([]);
      expect(result.checkpoint).toBe("resumed");
      expect(result.recovered).toMatch(/^recovered: 440,000 samples, the run did not finish/);
      expect(
        firstDifference(
          Buffer.from(encodeSummary(result.summary!)),
          Buffer.from(encodeSummary(await wholePass(path))),
        ),
      ).toBeNull();
    } finally {
      await bundle.close();
    }
    // Its checkpoint damaged: the whole file, and why.
    const damaged = readFileSync(checkpointPathFor(path));
    damaged[40] ^= 1;
    writeFileSync(checkpointPathFor(path), damaged);
    const again = await openPathAsBundle(folder);
    try {
      const result = await summarizeBundleRun(again, again.runs[0], options);
      expect(result.checkpoint).toMatch(/^a corrupt checkpoint: runs\/tick\.checkpoint: .*\(damaged\)$/);
      expect(result.summary!.count).toBe(440_000);
    } finally {
      await again.close();
    }
  });
});
