import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RecordBatchFileReader } from "apache-arrow";
import { afterAll, describe, expect, it } from "vitest";
import { openRun } from "../../../lib/format/run-reader";
import { decodeSummary } from "../../../lib/summary";
import { encodeSyntheticRun, syntheticSampleBatches } from "../../../lib/format/testing/synthetic-trace";
import { UsageError } from "../command";
import analyze from "./analyze";
import repair from "./repair";
import { captureConsole } from "./testing/capture-console";

const dir = mkdtempSync(join(tmpdir(), "tickscope-repair-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const options = { samples: 100_000, batchRows: 16_384 };
const { bytes } = encodeSyntheticRun(options);
const truth = syntheticSampleBatches(options).batches;
const whole = await openRun(bytes, "whole.arrow");
/** Cut inside the fourth batch: three whole batches remain. */
const cut = () => bytes.slice(0, whole.blocks![3].offset + 1000);

describe("tickscope repair", () => {
  it("gives a run file cut inside a batch its footer, keeping every whole batch, read by apache-arrow", async () => {
    const file = join(dir, "cut.arrow");
    writeFileSync(file, cut());
    const out = captureConsole().out;
    expect(await repair.run([file])).toBe(0);
    expect(out.join("\n")).toMatch(/recovered: 49,152 samples, the run did not finish.*wrote its footer/);
    const repaired = readFileSync(file);
    const run = await openRun(new Uint8Array(repaired), "cut.arrow");
    expect(run.blocks).toHaveLength(3);
    const reader = RecordBatchFileReader.from(repaired);
    const batches = [...reader];
    expect(batches.map((b) => b.numRows)).toEqual([16_384, 16_384, 16_384]);
    batches.forEach((batch, i) => {
      expect(Array.from(batch.getChild("ts_ns")!.toArray() as BigInt64Array, Number)).toEqual(
        Array.from(truth[i].ts, Number),
      );
      expect(Array.from(batch.getChild("duration_ns")!.toArray() as ArrayLike<number>, Number)).toEqual(
        Array.from(truth[i].duration, Number),
      );
    });
    expect(batches[0].schema.metadata.get("latency:test")).toBe("tick");
    const again = captureConsole().out;
    expect(await repair.run([file])).toBe(0);
    expect(again.join("\n")).toMatch(/complete, nothing to repair/);
  });

  it("in a bundle folder: repairs the run the manifest marks crashed, saves its summary, updates its entry", async () => {
    const bundle = join(dir, "bundle");
    mkdirSync(join(bundle, "runs"), { recursive: true });
    writeFileSync(join(bundle, "runs", "tick.arrow"), cut());
    writeFileSync(join(bundle, "runs", "whole.arrow"), bytes);
    writeFileSync(
      join(bundle, "manifest.json"),
      JSON.stringify({
        format: "latency-bundle",
        version: 1,
        runs: [
          { id: "whole", file: "runs/whole.arrow", test: "tick", stopped: "duration" },
          { id: "tick", file: "runs/tick.arrow", test: "tick", stopped: "crashed" },
        ],
      }),
    );
    captureConsole();
    expect(await repair.run([bundle])).toBe(0);
    const manifest = JSON.parse(readFileSync(join(bundle, "manifest.json"), "utf8"));
    expect(manifest.runs[0]).toEqual({
      id: "whole",
      file: "runs/whole.arrow",
      test: "tick",
      stopped: "duration",
    });
    expect(manifest.runs[1]).toMatchObject({
      id: "tick",
      stopped: "crashed",
      samples: 49_152,
      summary: "runs/tick.summary",
      recovered: expect.stringMatching(/^recovered: 49,152 samples, the run did not finish/),
    });
    const summary = decodeSummary(new Uint8Array(readFileSync(join(bundle, "runs", "tick.summary"))), "s");
    expect(summary.count).toBe(49_152);
    expect(existsSync(join(bundle, "runs", "whole.summary"))).toBe(false);
    const out = captureConsole().out;
    expect(await analyze.run([bundle])).toBe(0);
    expect(out.join("\n")).toMatch(
      /tick \(runs\/tick\.arrow\).*\n  recovered: 49,152 samples, the run did not finish/,
    );
  });

  it("refuses what it cannot repair, saying why", async () => {
    const inSchema = join(dir, "schema-only.arrow");
    writeFileSync(inSchema, bytes.slice(0, 40));
    await expect(repair.run([inSchema])).rejects.toThrow(/cannot repair: .*schema-only\.arrow.*byte 8/);
    await expect(repair.run([join(dir, "nothing")])).rejects.toThrow(UsageError);
    await expect(repair.run([])).rejects.toThrow(UsageError);
  });
});
