// A real run on this machine whose whole collector (launcher, CLI, sampler) is killed with -9 mid-run, then
// `tickscope repair`: the summary resumes from the checkpoint the CLI left, reading only the batches after
// it, and equals a whole pass over the repaired file. Run under the bench lock (npx vitest run --project sampler).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { openPathAsBundle } from "../../lib/format/node-source";
import { summarizeBundleRun } from "../../lib/analysis/summarize-bundle";
import { decodeCheckpointFile } from "../../lib/summary/checkpoint-file";
import { decodeSummary, encodeSummary } from "../../lib/summary";
import { firstDifference } from "../../lib/summary/testing/first-difference";
import repair from "../src/commands/repair";
import { CHECKPOINT_MOST_MS } from "../src/summary-checkpoints";
import { captureConsole } from "../src/commands/testing/capture-console";
import { ensureSampler, startKillableCollect } from "./helpers";

beforeAll(() => {
  ensureSampler();
});

describe("kill -9 of the whole collector mid-run, then repair", () => {
  it("resumes the summary from the run's checkpoint, reads only the tail, and equals a whole pass", async () => {
    const collect = startKillableCollect(["--loop-us", "1", "--duration", "30s", "--no-events"]);
    // Wait for its run's first checkpoint, then a little more.
    const folder = await collect.folderWith(join("runs", "tick.checkpoint"));
    expect(folder, collect.stderr()).not.toBe("");
    // Past the next checkpoint, however slowly the first went (CHECKPOINT_MOST_MS).
    await new Promise((r) => setTimeout(r, CHECKPOINT_MOST_MS + 2000));
    await collect.kill();

    if (process.env.TICKSCOPE_CHECKPOINT_LOG) console.log(collect.stderr());
    const checkpoint = decodeCheckpointFile(readFileSync(join(folder, "runs", "tick.checkpoint")));
    const covered = checkpoint.run.blocks.length;
    const provisional = JSON.parse(readFileSync(join(folder, "manifest.json"), "utf8"));
    expect(provisional.runs[0]).toMatchObject({ id: "tick", stopped: "crashed" });

    const printed = captureConsole().out;
    expect(await repair.run([folder])).toBe(0);
    const said = printed.join("\n");
    const resumed =
      /tick: summary resumed from its checkpoint \((\d+) record batches\); read the (\d+) after it \(([\d,]+) of ([\d,]+) bytes\)/.exec(
        said,
      );
    expect(resumed, said).not.toBeNull();
    const [fromCheckpoint, after, read, size] = resumed!.slice(1).map((n) => Number(n.replaceAll(",", "")));
    expect(fromCheckpoint).toBe(covered);
    expect(said).toMatch(
      /tick: recovered: [\d,]+ samples, the run did not finish.*wrote its footer, saved its summary/,
    );
    expect(existsSync(join(folder, "runs", "tick.checkpoint"))).toBe(false);
    // Only the tail: the batches after the checkpoint (and two checked), a small share of the ~13 s run.
    const tailBytes = size - checkpoint.run.coveredBytes;
    expect(read).toBeLessThan(tailBytes + 4 * (2 << 20));
    expect(read).toBeLessThan(size / 2);
    vi.restoreAllMocks(); // the figure below goes to the test's output, not the captured console
    console.log(
      `killed after ${covered + after} batches (${size.toLocaleString("en")} bytes); the checkpoint covered ${covered}` +
        ` (${checkpoint.run.coveredBytes.toLocaleString("en")} bytes); repair read ${read.toLocaleString("en")} bytes`,
    );

    // Ground truth: the repaired file summarised in one whole pass by the readers' own code.
    const bundle = await openPathAsBundle(folder);
    try {
      const run = bundle.runs[0];
      const whole = await summarizeBundleRun(bundle, run, { useSaved: false });
      expect(whole.errors).toEqual([]);
      const saved = decodeSummary(readFileSync(join(folder, "runs", "tick.summary")));
      expect(saved.count).toBe(whole.summary!.count);
      expect(saved.max).toEqual(whole.summary!.max);
      expect(saved.histogram.counts).toEqual(whole.summary!.histogram.counts);
      // Field by field first (a clear message), then byte for byte.
      for (const [key, value] of Object.entries(whole.summary!))
        expect(saved[key as keyof typeof saved], key).toEqual(value);
      const savedBytes = readFileSync(join(folder, "runs", "tick.summary"));
      const wholeBytes = Buffer.from(encodeSummary(whole.summary!));
      if (process.env.TICKSCOPE_CHECKPOINT_LOG) {
        writeFileSync("/tmp/sr/saved.summary", savedBytes);
        writeFileSync("/tmp/sr/whole.summary", wholeBytes);
      }
      expect(firstDifference(savedBytes, wholeBytes)).toBeNull();
      expect(saved.count).toBeGreaterThan(1_000_000);
    } finally {
      await bundle.close();
    }
  });
});
