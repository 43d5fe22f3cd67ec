import { createHash } from "node:crypto";
import { zipSync } from "fflate";
import { BUNDLE_FORMAT, BUNDLE_VERSION } from "../../format/contract";
import { encodeRunFile } from "../../format/run-writer";
import { syntheticSamples } from "./synthetic";

export const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
export const utf8 = (text: string) => new TextEncoder().encode(text);

export interface TestBundle {
  title: string;
  files: Record<string, Uint8Array>;
  zip: Uint8Array;
}

/** A small two-run bundle (emulated and enlightened tick runs), different for every seed, zipped. */
export function testBundle(seed: number, samples = 20_000, title = `bundle ${seed}`): TestBundle {
  const runs = [
    { id: "emu-tick", environment: "emulated" },
    { id: "enl-tick", environment: "enlightened" },
  ];
  const files: Record<string, Uint8Array> = {};
  runs.forEach((run, i) => {
    const { ts, duration } = syntheticSamples(samples, seed * 10 + i);
    files[`runs/${run.id}.arrow`] = encodeRunFile(
      { ts, duration },
      { test: "tick", run: { environment: run.environment, scenario: "one-to-all" } },
    );
  });
  const manifest = {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    title,
    created_at: "2026-11-29T10:00:00Z",
    runs: runs.map((run) => ({
      id: run.id,
      file: `runs/${run.id}.arrow`,
      test: "tick",
      environment: run.environment,
      scenario: "one-to-all",
    })),
  };
  files["manifest.json"] = utf8(JSON.stringify(manifest, null, 2));
  const zip = zipSync({
    "manifest.json": [files["manifest.json"], { level: 6 }],
    "runs/emu-tick.arrow": [files["runs/emu-tick.arrow"], { level: 0 }],
    "runs/enl-tick.arrow": [files["runs/enl-tick.arrow"], { level: 1 }],
  });
  return { title, files, zip };
}

/** The same bundle with one file replaced (or removed, with null), zipped again. */
export function withFile(bundle: TestBundle, path: string, bytes: Uint8Array | null): Uint8Array {
  const files = { ...bundle.files };
  if (bytes === null) delete files[path];
  else files[path] = bytes;
  return zipSync(files);
}
