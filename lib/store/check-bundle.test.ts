import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BUNDLE_FORMAT, BUNDLE_VERSION } from "../format/contract";
import { openRun } from "../format/run-reader";
import { encodeRunFile } from "../format/run-writer";
import { encodeSyntheticRun } from "../format/testing/synthetic-trace";
import type { RunFields } from "../format/manifest";
import { checkBundle, type BundleIndex } from "./check-bundle";
import { DEFAULT_LIMITS } from "./limits";
import { syntheticSamples } from "./testing/synthetic";
import { UploadError } from "./upload-error";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "tickscope-check-"));
  await mkdir(join(dir, "files", "runs"), { recursive: true });
  await mkdir(join(dir, "derived"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** A bundle folder whose manifest names `runs` runs, all of one 500-sample file. */
async function oneFileNamedBy(runs: number, fields: RunFields = {}) {
  const { ts, duration } = syntheticSamples(500, 5);
  await writeFile(
    join(dir, "files", "runs", "tiny.arrow"),
    encodeRunFile({ ts, duration }, { test: "tick", run: fields }),
  );
  const manifest = {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    runs: Array.from({ length: runs }, (_, i) => ({ id: `r${i}`, file: "runs/tiny.arrow", test: "tick" })),
  };
  await writeFile(join(dir, "files", "manifest.json"), JSON.stringify(manifest));
}

const check = (limits = DEFAULT_LIMITS) =>
  checkBundle(join(dir, "files"), join(dir, "derived"), "upload.zip", { limits });

describe("checkBundle", () => {
  it("summarizes a file named by 200 runs once, and every run points at that summary", async () => {
    await oneFileNamedBy(200);
    await check();
    expect(await readdir(join(dir, "derived", "summaries"))).toEqual(["0.bin"]);
    const index = JSON.parse(await readFile(join(dir, "derived", "index.json"), "utf8")) as BundleIndex;
    expect(new Set(index.runs.map((run) => run.summary))).toEqual(new Set(["summaries/0.bin"]));
    expect(index.runs.map((run) => run.count)).toEqual(Array(200).fill(500));
    const served = JSON.parse(await readFile(join(dir, "derived", "manifest.json"), "utf8"));
    expect(new Set(served.runs.map((run: { summary: string }) => run.summary))).toEqual(
      new Set([".tickscope/summaries/0.bin"]),
    );
    expect(index.open.filter((file) => file.url.startsWith("derived/summaries/"))).toHaveLength(1);
  });

  it("takes a run whose writer died (no footer): counted up to its last whole batch, its index entry saying so", async () => {
    const { bytes } = encodeSyntheticRun({ samples: 30_000, batchRows: 7_000, test: "tick", seed: 3 });
    const { blocks } = await openRun(bytes, "whole.arrow");
    // Cut inside the fourth batch: three whole batches are left.
    await writeFile(join(dir, "files", "runs", "crashed.arrow"), bytes.slice(0, blocks![3].offset + 100));
    const manifest = {
      format: BUNDLE_FORMAT,
      version: BUNDLE_VERSION,
      runs: [{ id: "crashed", file: "runs/crashed.arrow", test: "tick", stopped: "crashed" }],
    };
    await writeFile(join(dir, "files", "manifest.json"), JSON.stringify(manifest));
    await check();
    const index = JSON.parse(await readFile(join(dir, "derived", "index.json"), "utf8")) as BundleIndex;
    expect(index.runs[0]).toMatchObject({
      count: 21_000,
      recovered: expect.stringMatching(/^recovered: 21,000 samples, the run did not finish/),
    });
  });

  it("refuses a manifest naming more runs than TICKSCOPE_MAX_RUNS with a 413 naming the limit", async () => {
    await oneFileNamedBy(11);
    const refused = check({ ...DEFAULT_LIMITS, maxRuns: 10 });
    await expect(refused).rejects.toBeInstanceOf(UploadError);
    await expect(refused).rejects.toMatchObject({ status: 413 });
    await expect(refused).rejects.toThrow(/at most 10 runs \(TICKSCOPE_MAX_RUNS\); this manifest names 11/);
  });

  it("refuses (413) derived output out of proportion to the samples: large run fields copied per run", async () => {
    await oneFileNamedBy(1000, { label: "x".repeat(20_000) });
    const refused = check();
    await expect(refused).rejects.toMatchObject({ status: 413 });
    await expect(refused).rejects.toThrow(/would exceed \d+ bytes, its limit for 500 samples/);
  });
});
