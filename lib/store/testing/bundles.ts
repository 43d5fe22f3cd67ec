import { createHash } from "node:crypto";
import { zipSync } from "fflate";
import { encodeRunFile } from "../../format/run-writer";
import { buildBundle } from "../../format/testing/bundle";
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
  const environments = ["emulated", "enlightened"];
  const { files, zip } = buildBundle({
    title,
    runs: environments.map((environment, i) => {
      const { ts, duration } = syntheticSamples(samples, seed * 10 + i);
      const fields = { environment, scenario: "one-to-all" };
      return {
        id: `${environment.slice(0, 3)}-tick`,
        bytes: encodeRunFile({ ts, duration }, { test: "tick", run: fields }),
        test: "tick",
        fields,
      };
    }),
    // One entry of each kind: deflated, stored, deflated at the lowest level.
    level: (path) => (path === "manifest.json" ? 6 : path.startsWith("runs/emu") ? 0 : 1),
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
