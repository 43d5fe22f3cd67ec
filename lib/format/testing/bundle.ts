/**
 * The one bundle builder for tests, fixtures and benchmarks: a manifest on BUNDLE_FORMAT and
 * BUNDLE_VERSION naming the runs given, the files, and the bundle zipped.
 */
import { zipSync } from "fflate";
import { BUNDLE_FORMAT, BUNDLE_VERSION, MANIFEST_FILE } from "../contract";
import type { HostFingerprint, Manifest, RunFields } from "../manifest";

export interface BundleRunSpec {
  id: string;
  /** The run file's bytes (e.g. `encodeSyntheticRun(...).bytes`). */
  bytes: Uint8Array;
  /** Its path in the bundle; `runs/<id>.arrow` by default. */
  file?: string;
  test?: string;
  /** What the manifest says about the run (environment, scenario, threads, label…). */
  fields?: RunFields;
}

export interface BundleSpec {
  title?: string;
  created_at?: string;
  host?: HostFingerprint;
  runs: BundleRunSpec[];
  /** Compression level of each zip entry by path (0: stored, as the collector writes runs). Default 0. */
  level?: (path: string) => 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;
}

export interface BuiltBundle {
  manifest: Manifest;
  files: Record<string, Uint8Array>;
  zip: Uint8Array;
}

export function buildBundle(spec: BundleSpec): BuiltBundle {
  const manifest: Manifest = {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    ...(spec.title !== undefined && { title: spec.title }),
    created_at: spec.created_at ?? "2026-11-29T10:00:00Z",
    ...(spec.host && { host: spec.host }),
    runs: spec.runs.map((run) => ({
      id: run.id,
      file: run.file ?? `runs/${run.id}.arrow`,
      ...(run.test !== undefined && { test: run.test }),
      ...run.fields,
    })),
  };
  const files: Record<string, Uint8Array> = {
    [MANIFEST_FILE]: new TextEncoder().encode(JSON.stringify(manifest, null, 2)),
  };
  spec.runs.forEach((run, i) => (files[manifest.runs[i].file] = run.bytes));
  const level = spec.level ?? (() => 0);
  const zip = zipSync(
    Object.fromEntries(Object.entries(files).map(([path, bytes]) => [path, [bytes, { level: level(path) }]])),
  );
  return { manifest, files, zip };
}
