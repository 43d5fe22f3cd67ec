/**
 * Opens a bundle (a zip, a folder in Node via node-source.ts, or a list of browser Files): validates
 * manifest.json, and reads each run's header so that its fields are the manifest's over the file's
 * `latency:run` metadata. Every problem is recorded where it belongs: on the bundle (manifest) or on
 * one run, so one bad run does not stop the others.
 */
import type { BundleEntries } from "./bundle-entries";
import { blobSource, type ByteSourceInput, type RandomAccessSource } from "./byte-source";
import { BUNDLE_FORMAT, BUNDLE_VERSION, MANIFEST_FILE } from "./contract";
import { FormatError, type FormatProblem } from "./errors";
import { manifestSchema, type Manifest, type RunFields } from "./manifest";
import { readRunHeader, type RunHeader } from "./run-reader";
import { zipEntries, type ZipLimits } from "./zip-entries";

export interface BundleOptions extends ZipLimits {
  /** Largest manifest.json. Default 4 MiB. */
  maxManifestBytes?: number;
  /** A missing manifest is a problem (default); when false, loose Arrow files are runs without one. */
  requireManifest?: boolean;
}

export interface BundleRun {
  id: string;
  /** Path of the run file inside the bundle. */
  file: string;
  /** The manifest's run fields over the file's `latency:run` metadata. */
  fields: RunFields;
  test?: string;
  kind: "samples" | "histogram";
  /** A saved summary named in the manifest (never required). */
  summaryFile?: string;
  header: RunHeader | null;
  errors: FormatProblem[];
}

export interface Bundle {
  name: string;
  manifest: Manifest | null;
  runs: BundleRun[];
  /** Problems with the bundle as a whole (the manifest). */
  problems: FormatProblem[];
  entries: BundleEntries;
  /** Opens a file of the bundle (a run or a summary) by its path in the bundle. */
  open(path: string): Promise<RandomAccessSource | AsyncIterable<Uint8Array> | null>;
  close(): Promise<void>;
}

const RUN_FILE = /\.arrows?$/i;
/** A run's events and steal files (events-contract.ts): Arrow too, but not runs. */
const BESIDE_RUN_FILE = /\.(events|steal)\.arrow$/i;

function problemFrom(error: unknown, file: string): FormatProblem {
  if (error instanceof FormatError) return error.toJSON();
  return { file, expected: "a readable file", found: error instanceof Error ? error.message : String(error) };
}

async function readText(source: RandomAccessSource | AsyncIterable<Uint8Array>, max: number, file: string) {
  let bytes: Uint8Array;
  if ("read" in source) {
    if (source.size > max)
      throw new FormatError({ file, expected: `at most ${max} bytes`, found: `${source.size}` });
    bytes = await source.read(0, source.size);
  } else {
    const parts: Uint8Array[] = [];
    let size = 0;
    for await (const part of source) {
      size += part.byteLength;
      if (size > max) throw new FormatError({ file, expected: `at most ${max} bytes`, found: "more" });
      parts.push(part);
    }
    bytes = new Uint8Array(size);
    let at = 0;
    for (const p of parts) {
      bytes.set(p, at);
      at += p.byteLength;
    }
  }
  return new TextDecoder().decode(bytes);
}

/** Where manifest.json is: the root, or one folder down (a zipped folder). */
function findRoot(names: string[]): string | null {
  if (names.includes(MANIFEST_FILE)) return "";
  const nested = names.filter((n) => n.split("/").length === 2 && n.endsWith(`/${MANIFEST_FILE}`));
  return nested.length === 1 ? nested[0].slice(0, -MANIFEST_FILE.length) : null;
}

async function parseManifest(
  entries: BundleEntries,
  path: string,
  options: BundleOptions,
  problems: FormatProblem[],
): Promise<Manifest | null> {
  let raw: unknown;
  try {
    const source = await entries.open(path);
    raw = JSON.parse(await readText(source!, options.maxManifestBytes ?? 4 * 2 ** 20, MANIFEST_FILE));
  } catch (error) {
    problems.push(
      error instanceof SyntaxError
        ? { file: MANIFEST_FILE, expected: "valid JSON", found: error.message }
        : problemFrom(error, MANIFEST_FILE),
    );
    return null;
  }
  const record = raw as { format?: unknown; version?: unknown };
  if (typeof raw !== "object" || raw === null) {
    problems.push({ file: MANIFEST_FILE, expected: "a JSON object" });
    return null;
  }
  if (record.format !== BUNDLE_FORMAT) {
    problems.push({
      file: MANIFEST_FILE,
      field: "format",
      expected: `"${BUNDLE_FORMAT}"`,
      found: JSON.stringify(record.format),
    });
    return null;
  }
  if (record.version !== BUNDLE_VERSION) {
    problems.push({
      file: MANIFEST_FILE,
      field: "version",
      expected: `format version ${BUNDLE_VERSION} (this reader knows no other)`,
      found: JSON.stringify(record.version),
    });
    return null;
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues.slice(0, 20))
      problems.push({ file: MANIFEST_FILE, field: issue.path.join("."), expected: issue.message });
    return null;
  }
  return parsed.data;
}

/** Reads a bundle from its entries. A bundle without a manifest lists its Arrow files as runs. */
export async function readBundle(
  entries: BundleEntries,
  name: string,
  options: BundleOptions = {},
): Promise<Bundle> {
  const names = entries.names();
  const problems: FormatProblem[] = [];
  const root = findRoot(names);
  let manifest: Manifest | null = null;
  let listed: { id: string; file: string; fields: RunFields; test?: string; summary?: string }[];
  if (root === null) {
    if (options.requireManifest !== false)
      problems.push({
        file: MANIFEST_FILE,
        expected: `a ${MANIFEST_FILE} at the bundle's root`,
        found: "none",
      });
    const loose =
      options.requireManifest === false && names.length === 1 ? names : names.filter((n) => RUN_FILE.test(n) && !BESIDE_RUN_FILE.test(n));
    listed = loose.map((file) => ({
      id: file.replace(/^.*\//, "").replace(/\.[^.]*$/, ""),
      file,
      fields: {},
    }));
  } else {
    manifest = await parseManifest(entries, `${root}${MANIFEST_FILE}`, options, problems);
    listed = (manifest?.runs ?? []).map((run) => {
      const { id, file, test, summary, ...fields } = run;
      return {
        id,
        file: `${root}${file}`,
        fields: fields as RunFields,
        test,
        summary: summary && `${root}${summary}`,
      };
    });
  }

  const seen = new Set<string>();
  const runs: BundleRun[] = [];
  for (const [i, entry] of listed.entries()) {
    const run: BundleRun = {
      id: entry.id,
      file: entry.file,
      fields: entry.fields,
      test: entry.test,
      kind: "samples",
      summaryFile: entry.summary,
      header: null,
      errors: [],
    };
    runs.push(run);
    if (seen.has(entry.id))
      run.errors.push({
        file: MANIFEST_FILE,
        field: `runs.${i}.id`,
        expected: "a unique run id",
        found: entry.id,
      });
    seen.add(entry.id);
    if (!names.includes(entry.file)) {
      run.errors.push({
        file: MANIFEST_FILE,
        field: `runs.${i}.file`,
        expected: "a file that is in the bundle",
        found: entry.file,
      });
      continue;
    }
    try {
      const source = await entries.open(entry.file);
      const header = await readRunHeader(source!, entry.file);
      run.header = header;
      run.kind = header.kind;
      run.fields = { ...header.fields, ...entry.fields };
      run.test = entry.test ?? header.test;
      run.errors.push(...header.problems);
    } catch (error) {
      run.errors.push(problemFrom(error, entry.file));
    }
  }
  return {
    name,
    manifest,
    runs,
    problems,
    entries,
    open: (path) => entries.open(path),
    close: async () => entries.close?.(),
  };
}

/** A zip bundle (bytes, a Blob/File, or a random-access source such as a Node file). */
export async function readZipBundle(
  zip: Uint8Array | Blob | RandomAccessSource,
  name: string,
  options: BundleOptions = {},
): Promise<Bundle> {
  const entries = await zipEntries(zip, name, options);
  const bundle = await readBundle(entries, name, options);
  for (const skipped of entries.skipped)
    bundle.problems.push({ file: name, field: skipped, expected: "a relative path inside the bundle" });
  return bundle;
}

/** Browser Files from a folder picker or a drop: paths from `webkitRelativePath`, less the top folder. */
export function fileListEntries(files: readonly File[]): BundleEntries {
  const paths = files.map((f) => (f as File & { webkitRelativePath?: string }).webkitRelativePath || f.name);
  const tops = new Set(paths.map((p) => (p.includes("/") ? p.split("/")[0] : "")));
  const strip = tops.size === 1 && !tops.has("") ? [...tops][0].length + 1 : 0;
  const byName = new Map(files.map((f, i) => [paths[i].slice(strip), f]));
  return {
    names: () => [...byName.keys()],
    size: (n) => byName.get(n)?.size,
    open: async (n) => {
      const file = byName.get(n);
      return file ? blobSource(file) : null;
    },
  };
}

/** A bundle from browser Files: one zip File, or the files of a folder. */
export async function readFileListBundle(
  files: readonly File[],
  options: BundleOptions = {},
): Promise<Bundle> {
  if (files.length === 1 && /\.zip$/i.test(files[0].name))
    return readZipBundle(files[0], files[0].name, options);
  return readBundle(fileListEntries(files), files[0]?.name ?? "files", options);
}

export type { ByteSourceInput };

/**
 * Any bundle input: zip bytes or a zip Blob/File, a list of browser Files (a folder or one zip), or
 * bundle entries (e.g. `folderEntries(path)` from node-source.ts in Node).
 */
export async function openBundle(
  input: Uint8Array | Blob | readonly File[] | BundleEntries,
  name = "bundle",
  options: BundleOptions = {},
): Promise<Bundle> {
  if (input instanceof Uint8Array || (typeof Blob !== "undefined" && input instanceof Blob))
    return readZipBundle(input, input instanceof File ? input.name : name, options);
  if (Array.isArray(input)) return readFileListBundle(input as readonly File[], options);
  return readBundle(input as BundleEntries, name, options);
}
