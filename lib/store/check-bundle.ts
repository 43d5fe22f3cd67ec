import { lstat, mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { MANIFEST_FILE, META } from "../format/contract";
import { FormatError, type FormatProblem } from "../format/errors";
import { manifestSchema, type Manifest, type RunFields } from "../format/manifest";
import { openFileSource } from "../format/node-source";
import { openRun } from "../format/run-reader";
import { pathProblem } from "../format/zip-safety";
import { encodeSummary, summarizeRun } from "../summary";
import type { BundleChecker } from "./ingest";

/** One run as GET /api/bundles/{id} describes it. */
export interface IndexedRun {
  id: string;
  file: string;
  test: string | null;
  kind: "samples" | "histogram";
  /** The run file's size in bytes. */
  size: number;
  /** The file's `latency:run`, overridden by the manifest's entry. */
  fields: RunFields;
  /** The summary the server computed at upload, in the blob's derived area (null for histogram runs). */
  summary: string | null;
  count: number | null;
  spanNs: number | null;
  max: { durationNs: number; ts: number } | null;
  problems: FormatProblem[];
}

/** What GET /api/bundles/{id} answers (with the id added): written once per blob, at upload. */
export interface BundleIndex {
  title: string | null;
  manifest: Manifest;
  runs: IndexedRun[];
  /**
   * Every file of the bundle with its size: a client reads them at /api/bundles/{id}/files/{path} with
   * Range requests (Next.js drops Content-Length from route handler answers, so sizes come from here).
   */
  files: { path: string; size: number }[];
}

export const INDEX_FILE = "index.json";

async function readManifest(filesDir: string): Promise<Manifest> {
  let text: string;
  try {
    text = await readFile(join(filesDir, MANIFEST_FILE), "utf8");
  } catch {
    throw new FormatError({
      file: MANIFEST_FILE,
      expected: "a manifest.json at the bundle's root",
      found: "none",
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new FormatError({ file: MANIFEST_FILE, expected: "valid JSON", found: (error as Error).message });
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new FormatError({
      file: MANIFEST_FILE,
      field: issue.path.join(".") || undefined,
      expected: issue.message,
    });
  }
  const ids = new Set<string>();
  for (const [i, run] of parsed.data.runs.entries()) {
    const field = `runs.${i}`;
    if (ids.has(run.id))
      throw new FormatError({
        file: MANIFEST_FILE,
        field: `${field}.id`,
        expected: "ids that differ",
        found: `"${run.id}" twice`,
      });
    ids.add(run.id);
    const problem = pathProblem(run.file);
    if (problem)
      throw new FormatError({
        file: MANIFEST_FILE,
        field: `${field}.file`,
        expected: "a path inside the bundle",
        found: `a path that ${problem}`,
      });
  }
  return parsed.data;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await lstat(path)).isFile();
  } catch {
    return false;
  }
}

async function listFiles(root: string, dir = root, out: { path: string; size: number }[] = []) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) await listFiles(root, full, out);
    else if (entry.isFile())
      out.push({ path: relative(root, full).split(sep).join("/"), size: (await lstat(full)).size });
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

function manifestFields(run: Manifest["runs"][number]): RunFields {
  const { id: _id, file: _file, test: _test, summary: _summary, ...fields } = run;
  void [_id, _file, _test, _summary];
  return fields;
}

/**
 * Validates a bundle's files with the same reader the CLI and the browser use (lib/format/run-reader)
 * and summarizes every sample run once (lib/summary), writing the summaries and the bundle's index to
 * `derivedDir`. Any problem rejects the upload: a shared bundle must open for whoever gets the link.
 */
export const checkBundle: BundleChecker = async (filesDir, derivedDir) => {
  const manifest = await readManifest(filesDir);
  await mkdir(join(derivedDir, "summaries"), { recursive: true });
  const runs: IndexedRun[] = [];
  for (const [i, run] of manifest.runs.entries()) {
    const path = join(filesDir, run.file);
    if (!(await isFile(path)))
      throw new FormatError({
        file: run.file,
        field: `runs.${i}.file`,
        expected: "the run file the manifest names",
        found: "no such file in the bundle",
      });
    const source = await openFileSource(path);
    try {
      const handle = await openRun(source, run.file).catch((error: unknown) => {
        if (error instanceof FormatError && error.field === META.kind && error.found === "histogram")
          return null;
        throw error;
      });
      if (!handle) {
        runs.push({
          id: run.id,
          file: run.file,
          test: run.test ?? null,
          kind: "histogram",
          size: (await lstat(path)).size,
          fields: manifestFields(run),
          summary: null,
          count: null,
          spanNs: null,
          max: null,
          problems: [],
        });
        continue;
      }
      const test = run.test ?? handle.header.test ?? null;
      const summary = await summarizeRun(handle.batches(), { test: test ?? undefined });
      const summaryPath = `summaries/${i}.bin`;
      await writeFile(join(derivedDir, summaryPath), encodeSummary(summary), { flag: "wx" });
      runs.push({
        id: run.id,
        file: run.file,
        test,
        kind: "samples",
        size: (await lstat(path)).size,
        fields: { ...handle.header.fields, ...manifestFields(run) },
        summary: summaryPath,
        count: summary.count,
        spanNs: summary.spanNs,
        max: summary.max,
        problems: handle.header.problems,
      });
    } finally {
      await source.close();
    }
  }
  const files = await listFiles(filesDir);
  const index: BundleIndex = { title: manifest.title ?? null, manifest, runs, files };
  await writeFile(join(derivedDir, INDEX_FILE), JSON.stringify(index));
};
