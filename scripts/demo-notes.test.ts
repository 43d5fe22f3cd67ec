import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../lib/format/testing/temp-dir";
import { demoNotes } from "./demo-notes";

describe("the demo's host notes", () => {
  it("names the kernel's stall of each shipped sample bundle, both mechanisms it can be, and how to lift it", () => {
    const notes = demoNotes("samples");
    expect(notes.map((line) => line.split(":")[0])).toEqual([
      "note on kvm-matrix",
      "note on kvm-tick-memory-load",
    ]);
    for (const line of notes) {
      expect(line).toContain("50 ms every 1 s");
      // Linux 6.18, fingerprinted before `rt_group_sched` was recorded: RT throttling or the fair server.
      expect(line).toContain("RT throttling");
      expect(line).toContain("the fair server");
      expect(line).toContain("sysctl -w kernel.sched_rt_runtime_us=-1");
    }
  });

  it("says nothing for a host without throttling, and names a manifest it cannot read", () => {
    const dir = tempDir("demo-notes-");
    mkdirSync(join(dir, "quiet"));
    writeFileSync(join(dir, "quiet/manifest.json"), JSON.stringify({ host: { sched_rt_runtime_us: -1 } }));
    mkdirSync(join(dir, "broken"));
    writeFileSync(join(dir, "broken/manifest.json"), "{");
    const notes = demoNotes(dir);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/^broken: cannot read .*broken\/manifest\.json/);
  });
});
