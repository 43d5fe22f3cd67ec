// What the collector writes, read back by the project's own readers (lib/format, lib/analysis).
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import importCommand from "../src/commands/import";
import { summaries, tempDir } from "./helpers";

const fixture = (name: string) => join(import.meta.dirname, "fixtures", name);

describe("collector output through lib/format's readers", () => {
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
    expect(s.map((x) => x.source)).toEqual(["computed", "computed", "saved", "saved"]);
  });
});
