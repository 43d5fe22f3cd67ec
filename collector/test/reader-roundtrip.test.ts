// What the collector writes, read back by the project's own readers (lib/format, lib/analysis).
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { summarizeBundleRun } from "../../lib/analysis/summarize-bundle";
import { BundleDirectory, runFileName, writeBundleZip } from "../../lib/format/bundle-writer";
import { openPathAsBundle } from "../../lib/format/node-source";
import importCommand from "../src/commands/import";
import { ensureSampler, readTable, run, tempDir } from "./helpers";

const fixture = (name: string) => join(import.meta.dirname, "fixtures", name);

async function summaries(path: string) {
  const bundle = await openPathAsBundle(path);
  try {
    expect(bundle.problems).toEqual([]);
    const out = [];
    for (const r of bundle.runs) out.push(await summarizeBundleRun(bundle, r));
    return { bundle, out };
  } finally {
    await bundle.close();
  }
}

describe("collector output through lib/format's readers", () => {
  it("sampler runs in a bundle folder and its zip: every row read, the exact maximum found", async () => {
    const sampler = ensureSampler();
    const dir = tempDir();
    const bundle = await BundleDirectory.create(join(dir, "b"));
    expect(
      (
        await run(sampler, [
          "tick",
          "--iterations",
          "0",
          "--samples",
          "1500000",
          "-o",
          bundle.path(runFileName("tick")),
        ])
      ).code,
    ).toBe(0);
    expect(
      (
        await run(sampler, [
          "switch",
          "--threads",
          "4",
          "--samples",
          "5000",
          "-o",
          bundle.path(runFileName("switch-4")),
        ])
      ).code,
    ).toBe(0);
    bundle.addRun({ id: "tick", file: runFileName("tick"), test: "tick" });
    bundle.addRun({ id: "switch-4", file: runFileName("switch-4"), test: "switch", threads: 4 });
    const manifest = await bundle.commit();
    await writeBundleZip(join(dir, "b"), manifest, join(dir, "b.zip"));

    const truth = (id: string) => {
      const d = readTable(join(dir, "b", runFileName(id)))
        .getChild("duration_ns")!
        .toArray() as Uint32Array;
      return { count: d.length, max: d.reduce((a, b) => Math.max(a, b), 0) };
    };
    for (const path of [join(dir, "b"), join(dir, "b.zip")]) {
      const { out } = await summaries(path);
      expect(out.map((s) => [s.run.id, s.errors, s.summary?.count, s.summary?.max.durationNs])).toEqual([
        ["tick", [], truth("tick").count, truth("tick").max],
        ["switch-4", [], truth("switch-4").count, truth("switch-4").max],
      ]);
    }
  });

  it("imported histogram and sample runs: the source's own max, every bucket counted", async () => {
    const out = join(tempDir(), "imported");
    vi.spyOn(console, "log").mockImplementation(() => undefined);
    await importCommand.run([fixture("cyclictest.json"), fixture("jittersamples.csv"), "-o", out]);
    vi.restoreAllMocks();
    const { bundle, out: s } = await summaries(out);
    expect(bundle.runs.map((r) => [r.id, r.kind])).toEqual([
      ["cyclictest-t0", "histogram"],
      ["cyclictest-t1", "histogram"],
      ["jittersamples-cpu0", "samples"],
      ["jittersamples-cpu1", "samples"],
    ]);
    expect(s.map((x) => x.errors)).toEqual([[], [], [], []]);
    expect(s[0].summary).toMatchObject({ kind: "histogram", count: 9998, max: { durationNs: 143000 } });
    expect(s[2].summary).toMatchObject({ count: 4, max: { durationNs: 41000 } });
  });
});
