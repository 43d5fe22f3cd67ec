import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tableFromIPC } from "apache-arrow";
import { unzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import {
  BundleDirectory,
  buildManifest,
  runFileName,
  runId,
  uniqueIds,
  writeBundleZip,
} from "./bundle-writer";
import { FormatError } from "./errors";
import { manifestSchema } from "./manifest";
import { encodeRunFile } from "./run-writer";
import { tempDir } from "./testing/temp-dir";

const temp = () => tempDir("bundle-writer-");

describe("buildManifest", () => {
  it("fills the format, version and creation time, and keeps the runs", () => {
    const manifest = buildManifest({
      title: "t",
      runs: [{ id: "tick", file: runFileName("tick"), test: "tick", environment: "emulated" }],
      createdAt: new Date("2026-11-29T10:00:00Z"),
    });
    expect(manifest).toEqual({
      format: "latency-bundle",
      version: 1,
      title: "t",
      created_at: "2026-11-29T10:00:00.000Z",
      runs: [{ id: "tick", file: "runs/tick.arrow", test: "tick", environment: "emulated" }],
    });
  });

  it("rejects a repeated id and a file outside the bundle, naming the key", () => {
    const run = { id: "a", file: "runs/a.arrow" };
    expect(() => buildManifest({ runs: [run, run] })).toThrow(FormatError);
    expect(() => buildManifest({ runs: [run, run] })).toThrow(
      'column or key "runs[1].id": expected a unique id, found a',
    );
    expect(() => buildManifest({ runs: [{ id: "b", file: "../b.arrow" }] })).toThrow(
      /runs\[0\]\.file.*inside the bundle/,
    );
  });

  it("makes ids usable as file names, and unique", () => {
    expect(runId("My Trace", "t0")).toBe("my-trace-t0");
    expect(uniqueIds(["tick", "tick", "switch-2", "tick"])).toEqual(["tick", "tick-2", "switch-2", "tick-3"]);
  });
});

describe("BundleDirectory", () => {
  it("shows nothing under the target until commit, then the whole bundle", async () => {
    const dir = temp();
    const target = join(dir, "out");
    const bundle = await BundleDirectory.create(target);
    writeFileSync(
      bundle.path(runFileName("tick")),
      encodeRunFile({ ts: BigInt64Array.from([0n]), duration: Uint32Array.from([5]) }),
    );
    bundle.addRun({ id: "tick", file: runFileName("tick"), test: "tick" });
    expect(existsSync(target)).toBe(false);
    await bundle.commit({ title: "one" });
    expect(readdirSync(dir)).toEqual(["out"]);
    const manifest = manifestSchema.parse(JSON.parse(readFileSync(join(target, "manifest.json"), "utf8")));
    expect(manifest.runs).toEqual([{ id: "tick", file: "runs/tick.arrow", test: "tick" }]);
  });

  it("holds a manifest from the start, the running test marked crashed until a clean end replaces it", async () => {
    const bundle = await BundleDirectory.create(join(temp(), "out"));
    const read = () => JSON.parse(readFileSync(bundle.path("manifest.json"), "utf8"));
    await bundle.writeProvisional({ title: "t" }, { id: "tick", file: runFileName("tick"), test: "tick" });
    expect(read().runs).toEqual([{ id: "tick", file: "runs/tick.arrow", test: "tick", stopped: "crashed" }]);
    bundle.addRun({ id: "tick", file: runFileName("tick"), test: "tick", stopped: "duration" });
    await bundle.writeProvisional({ title: "t" }, { id: "switch-2", file: runFileName("switch-2") });
    expect(read().runs.map((r: { stopped: string }) => r.stopped)).toEqual(["duration", "crashed"]);
    const manifest = await bundle.commit({ title: "t" });
    expect(manifest.runs).toEqual([
      { id: "tick", file: "runs/tick.arrow", test: "tick", stopped: "duration" },
    ]);
  });

  it("abort leaves nothing; an existing non-empty target is refused", async () => {
    const dir = temp();
    const bundle = await BundleDirectory.create(join(dir, "out"));
    await bundle.abort();
    expect(readdirSync(dir)).toEqual([]);
    writeFileSync(join(dir, "file"), "x");
    await expect(BundleDirectory.create(join(dir, "file"))).rejects.toThrow(/already exists/);
  });
});

describe("writeBundleZip", () => {
  it("zips the manifest and the files it names; run files are stored, readable in place", async () => {
    const dir = temp();
    const target = join(dir, "b");
    const bundle = await BundleDirectory.create(target);
    const rows = 3000;
    const bytes = encodeRunFile({
      ts: new BigInt64Array(rows).map((_, i) => BigInt(i)),
      duration: new Uint32Array(rows).fill(9),
    });
    writeFileSync(bundle.path("runs/a.arrow"), bytes);
    bundle.addRun({ id: "a", file: "runs/a.arrow", test: "tick" });
    const manifest = await bundle.commit();
    const zip = join(dir, "b.zip");
    await writeBundleZip(target, manifest, zip);
    const zipped = readFileSync(zip);
    const entries = unzipSync(zipped);
    expect(Object.keys(entries)).toEqual(["manifest.json", "runs/a.arrow"]);
    expect(tableFromIPC(entries["runs/a.arrow"]).numRows).toBe(rows);
    expect(zipped.indexOf(Buffer.from(bytes.subarray(0, 64)))).toBeGreaterThan(0); // stored, not deflated
    expect(readdirSync(dir).sort()).toEqual(["b", "b.zip"]);
  });

  it("carries a run's events and steal files named in the manifest", async () => {
    const dir = temp();
    const bundle = await BundleDirectory.create(join(dir, "b"));
    writeFileSync(
      bundle.path("runs/a.arrow"),
      encodeRunFile({ ts: new BigInt64Array(1), duration: new Uint32Array(1) }),
    );
    writeFileSync(bundle.path("runs/a.events.arrow"), "events");
    writeFileSync(bundle.path("runs/a.steal.arrow"), "steal");
    bundle.addRun({
      id: "a",
      file: "runs/a.arrow",
      events: "runs/a.events.arrow",
      steal: "runs/a.steal.arrow",
    });
    const manifest = await bundle.commit();
    await writeBundleZip(join(dir, "b"), manifest, join(dir, "b.zip"));
    expect(Object.keys(unzipSync(readFileSync(join(dir, "b.zip"))))).toEqual([
      "manifest.json",
      "runs/a.arrow",
      "runs/a.events.arrow",
      "runs/a.steal.arrow",
    ]);
  });

  it("a missing run file is an error that names it, and no zip is left", async () => {
    const dir = temp();
    const manifest = buildManifest({ runs: [{ id: "a", file: "runs/a.arrow" }] });
    await expect(writeBundleZip(dir, manifest, join(dir, "x.zip"))).rejects.toThrow(/runs\/a\.arrow/);
    expect(readdirSync(dir)).toEqual([]);
  });
});
