import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { zipSync, strToU8 } from "fflate";
import { encodeSyntheticRun } from "./testing/synthetic-trace";
import { openBundle, readFileListBundle, readZipBundle, type Bundle } from "./bundle-reader";
import { folderEntries, openPathAsBundle } from "./node-source";
import { readBundle } from "./bundle-reader";
import { readRunBatches } from "./run-reader";

const tick = encodeSyntheticRun(
  { samples: 5_000 },
  { run: { environment: "bare-machine", scenario: "cpu-load", label: "from file" } },
).bytes;
const sw = encodeSyntheticRun({ samples: 5_000, test: "switch", threads: 2 }).bytes;

const manifest = (runs: object[], extra: object = {}) =>
  strToU8(JSON.stringify({ format: "latency-bundle", version: 1, title: "t", runs, ...extra }));

const goodRuns = [
  { id: "tick", file: "runs/tick.arrow", test: "tick", environment: "emulated" },
  { id: "switch", file: "runs/switch.arrow", test: "switch", environment: "enlightened", threads: 2 },
];

function zip(files: Record<string, Uint8Array>, stored = true): Uint8Array {
  return zipSync(
    Object.fromEntries(Object.entries(files).map(([n, b]) => [n, [b, { level: stored ? 0 : 6 }]])),
  );
}

async function count(bundle: Bundle, file: string): Promise<number> {
  let rows = 0;
  for await (const b of readRunBatches((await bundle.open(file))!, file)) rows += b.ts.length;
  return rows;
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("readZipBundle", () => {
  it("lists the runs, the manifest's fields over each file's metadata, without problems", async () => {
    const bundle = await readZipBundle(
      zip({ "manifest.json": manifest(goodRuns), "runs/tick.arrow": tick, "runs/switch.arrow": sw }),
      "b.zip",
    );
    expect(bundle.problems).toEqual([]);
    expect(bundle.manifest?.title).toBe("t");
    expect(bundle.runs.map((r) => [r.id, r.test, r.kind, r.errors.length])).toEqual([
      ["tick", "tick", "samples", 0],
      ["switch", "switch", "samples", 0],
    ]);
    expect(bundle.runs[0].fields).toEqual({
      environment: "emulated",
      scenario: "cpu-load",
      label: "from file",
    });
    expect(await count(bundle, "runs/tick.arrow")).toBe(5_000);
    const viaBlob = await openBundle(
      new Blob([
        zip({
          "manifest.json": manifest(goodRuns),
          "runs/tick.arrow": tick,
          "runs/switch.arrow": sw,
        }) as BlobPart,
      ]),
    );
    expect(viaBlob.runs.map((r) => r.errors)).toEqual([[], []]);
  });

  it("reads deflated entries and a zipped folder (manifest one level down)", async () => {
    const bundle = await readZipBundle(
      zip(
        { "b/manifest.json": manifest(goodRuns), "b/runs/tick.arrow": tick, "b/runs/switch.arrow": sw },
        false,
      ),
      "b.zip",
    );
    expect(bundle.runs.map((r) => r.file)).toEqual(["b/runs/tick.arrow", "b/runs/switch.arrow"]);
    expect(await count(bundle, "b/runs/switch.arrow")).toBe(5_000);
  });

  it("keeps the good runs when one is missing or is not Arrow", async () => {
    const runs = [
      ...goodRuns,
      { id: "gone", file: "runs/gone.arrow" },
      { id: "junk", file: "runs/junk.arrow" },
    ];
    const bundle = await readZipBundle(
      zip({
        "manifest.json": manifest(runs),
        "runs/tick.arrow": tick,
        "runs/switch.arrow": sw,
        "runs/junk.arrow": strToU8("hello"),
      }),
      "b.zip",
    );
    const [t, s, gone, junk] = bundle.runs;
    expect([t.errors, s.errors]).toEqual([[], []]);
    expect(gone.errors).toEqual([
      expect.objectContaining({
        file: "manifest.json",
        field: "runs.2.file",
        expected: "a file that is in the bundle",
        found: "runs/gone.arrow",
      }),
    ]);
    expect(junk.errors[0]).toMatchObject({
      file: "runs/junk.arrow",
      expected: expect.stringMatching(/Arrow IPC/),
    });
  });

  it("rejects an unknown format version, a bad manifest and a zip over the entry limit", async () => {
    const v2 = await readZipBundle(zip({ "manifest.json": manifest(goodRuns, { version: 2 }) }), "v2.zip");
    expect(v2.problems).toEqual([expect.objectContaining({ field: "version", found: "2" })]);
    expect(v2.runs).toEqual([]);
    const bad = await readZipBundle(zip({ "manifest.json": strToU8("{") }), "bad.zip");
    expect(bad.problems[0]).toMatchObject({ file: "manifest.json", expected: "valid JSON" });
    const missingId = await readZipBundle(zip({ "manifest.json": manifest([{ file: "x.arrow" }]) }), "m.zip");
    expect(missingId.problems[0]).toMatchObject({ field: "runs.0.id" });
    await expect(
      readZipBundle(zip({ "manifest.json": manifest([]), "a.arrow": tick, "b.arrow": sw }), "big.zip", {
        maxEntries: 2,
      }),
    ).rejects.toThrow(/at most 2 entries/);
    await expect(readZipBundle(strToU8("not a zip at all"), "x.zip")).rejects.toThrow(/zip/);
  });

  it("refuses an entry that inflates past the size limit", async () => {
    const bundle = await readZipBundle(
      zip({ "manifest.json": manifest(goodRuns), "runs/tick.arrow": tick, "runs/switch.arrow": sw }, false),
      "b.zip",
      { maxEntryBytes: 50_000 },
    );
    expect(bundle.runs[0].errors[0]).toMatchObject({
      field: "runs/tick.arrow",
      expected: expect.stringMatching(/at most 50000 bytes/),
    });
  });
});

describe("folder and file-list bundles", () => {
  it("reads a folder in Node, and a single run file as a bundle of one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tickscope-bundle-"));
    dirs.push(dir);
    mkdirSync(join(dir, "runs"));
    writeFileSync(join(dir, "manifest.json"), manifest(goodRuns));
    writeFileSync(join(dir, "runs", "tick.arrow"), tick);
    writeFileSync(join(dir, "runs", "switch.arrow"), sw);
    const bundle = await readBundle(await folderEntries(dir), dir);
    expect(bundle.runs.map((r) => r.errors)).toEqual([[], []]);
    expect(await count(bundle, "runs/switch.arrow")).toBe(5_000);
    await bundle.close();
    const single = await openPathAsBundle(join(dir, "runs", "tick.arrow"));
    expect(single.problems).toEqual([]);
    expect(single.runs.map((r) => [r.id, r.fields.environment])).toEqual([["tick", "bare-machine"]]);
    await single.close();
  });

  it("without a manifest, a run's events and steal files are not taken for runs", async () => {
    const bundle = await readZipBundle(
      zip({ "runs/tick.arrow": tick, "runs/tick.events.arrow": sw, "runs/tick.steal.arrow": sw }),
      "loose.zip",
    );
    expect(bundle.runs.map((r) => r.file)).toEqual(["runs/tick.arrow"]);
    await bundle.close();
  });

  it("reads browser Files from a folder picker (paths under one top folder) or one zip File", async () => {
    const file = (bytes: Uint8Array, path: string) => {
      const f = new File([bytes as BlobPart], path.split("/").pop()!);
      Object.defineProperty(f, "webkitRelativePath", { value: path });
      return f;
    };
    const bundle = await readFileListBundle([
      file(manifest(goodRuns), "b/manifest.json"),
      file(tick, "b/runs/tick.arrow"),
      file(sw, "b/runs/switch.arrow"),
    ]);
    expect(bundle.runs.map((r) => r.errors)).toEqual([[], []]);
    const zipped = await readFileListBundle([
      new File(
        [
          zip({
            "manifest.json": manifest(goodRuns),
            "runs/tick.arrow": tick,
            "runs/switch.arrow": sw,
          }) as BlobPart,
        ],
        "b.zip",
      ),
    ]);
    expect(await count(zipped, "runs/tick.arrow")).toBe(5_000);
  });
});
