import { lstat, mkdir, readdir, writeFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { readBundle, type Bundle } from "../format/bundle-reader";
import { MANIFEST_FILE } from "../format/contract";
import { FormatError, type FormatProblem } from "../format/errors";
import { readHistogramRun } from "../format/histogram-run-reader";
import { declaredHz, type Manifest, type RunFields } from "../format/manifest";
import { folderEntries, openFileSource } from "../format/node-source";
import { describeRecovery } from "../format/recovery";
import { openRun } from "../format/run-reader";
import { encodeSummary, summarizeRun } from "../summary";
import type { BundleChecker } from "./ingest";
import type { StreamedSummary } from "./streamed-summary";

/** One run as GET /api/bundles/{id} describes it. */
export interface IndexedRun {
  id: string;
  /** The run file's path in the bundle. */
  file: string;
  test: string | null;
  kind: "samples" | "histogram";
  size: number;
  /** The manifest's run fields over the file's `latency:run`. */
  fields: RunFields;
  /** The summary the server computed at upload, in the blob's derived area (null for histogram runs). */
  summary: string | null;
  count: number | null;
  spanNs: number | null;
  max: { durationNs: number; ts: number } | null;
  /** Problems that did not stop the run from being read (a bad `latency:run` value). */
  problems: FormatProblem[];
  /** A run file without its footer, read up to its last whole batch: "recovered: N samples, …". */
  recovered?: string;
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
  /**
   * What a browser opens to show the bundle: each path in the bundle with the URL (relative to
   * /api/bundles/{id}/) it is read from. The manifest is the server's copy naming the summaries it
   * computed (under SERVER_SUMMARIES), so a viewer loads them instead of reading every sample again.
   */
  open: { path: string; url: string; size: number }[];
}

export const INDEX_FILE = "index.json";
export const SERVER_SUMMARIES = ".tickscope/summaries";

async function listFiles(root: string, dir = root, out: { path: string; size: number }[] = []) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) await listFiles(root, full, out);
    else if (entry.isFile())
      out.push({ path: relative(root, full).split(sep).join("/"), size: (await lstat(full)).size });
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

/** The folder holding manifest.json (bundle-reader accepts one level of nesting): "" or "name/". */
function manifestRoot(paths: string[]): string {
  if (paths.includes(MANIFEST_FILE)) return "";
  const nested = paths.find((p) => p.split("/").length === 2 && p.endsWith(`/${MANIFEST_FILE}`));
  return nested ? nested.slice(0, -MANIFEST_FILE.length) : "";
}

/** Any problem rejects the upload: a shared bundle must open for whoever gets the link. */
function rejectProblems(bundle: Bundle): void {
  const problem = bundle.problems[0] ?? bundle.runs.flatMap((run) => run.errors)[0];
  if (problem) throw new FormatError(problem);
  if (!bundle.manifest)
    throw new FormatError({
      file: MANIFEST_FILE,
      expected: `a ${MANIFEST_FILE} at the bundle's root`,
      found: "none",
    });
}

async function summarize(
  path: string,
  file: string,
  test: string | undefined,
  hz: number | null,
): Promise<StreamedSummary & { recovered?: string }> {
  const source = await openFileSource(path);
  try {
    const run = await openRun(source, file);
    const summary = await summarizeRun(run.batches({ reuseTimestamps: true }), { test, hz });
    const { count, spanNs, max } = summary;
    const recovery = run.recovery();
    const recovered = recovery ? { recovered: describeRecovery(recovery) } : {};
    return { test, hz, encoded: encodeSummary(summary), count, spanNs, max, ...recovered };
  } finally {
    await source.close();
  }
}

/**
 * Validates a bundle's files with the reader the CLI and the browser use (lib/format/bundle-reader for
 * the manifest and headers, run-reader for every sample), summarizes every sample run once
 * (lib/summary), and writes the summaries, a manifest naming them, and the bundle's index to
 * `derivedDir`. A run summarized while it arrived (`streamed`, by its path in the bundle) is not read
 * again; one that could not be (null) is read from disk, which reports what is wrong with it.
 */
export const checkBundle: BundleChecker = async (filesDir, derivedDir, uploadName, streamed) => {
  const entries = await folderEntries(filesDir);
  const bundle = await readBundle(entries, uploadName);
  let served: Manifest;
  const runs: IndexedRun[] = [];
  const files = await listFiles(filesDir);
  const root = manifestRoot(files.map((f) => f.path));
  try {
    rejectProblems(bundle);
    await mkdir(join(derivedDir, "summaries"), { recursive: true });
    for (const [i, run] of bundle.runs.entries()) {
      const path = join(filesDir, ...run.file.split("/"));
      const size = (await lstat(path)).size;
      const base = { id: run.id, file: run.file, test: run.test ?? null, size, fields: run.fields };
      const problems = run.header?.problems ?? [];
      if (run.kind === "histogram") {
        const source = await openFileSource(path);
        await readHistogramRun(source, run.file).finally(() => source.close());
        runs.push({
          ...base,
          kind: "histogram",
          summary: null,
          count: null,
          spanNs: null,
          max: null,
          problems,
        });
        continue;
      }
      const early = await streamed?.get(run.file);
      const hz = declaredHz(run.fields, bundle.manifest);
      const summary: StreamedSummary & { recovered?: string } =
        early && early.test === run.test && early.hz === hz
          ? early
          : await summarize(path, run.file, run.test, hz);
      const summaryPath = `summaries/${i}.bin`;
      await writeFile(join(derivedDir, summaryPath), summary.encoded, { flag: "wx" });
      runs.push({
        ...base,
        kind: "samples",
        summary: summaryPath,
        count: summary.count,
        spanNs: summary.spanNs,
        max: summary.max,
        problems,
        ...(summary.recovered ? { recovered: summary.recovered } : {}),
      });
    }
    const manifest = bundle.manifest!;
    served = {
      ...manifest,
      runs: manifest.runs.map((run, i) =>
        runs[i].summary ? { ...run, summary: `${SERVER_SUMMARIES}/${i}.bin` } : run,
      ),
    };
  } finally {
    await bundle.close();
  }

  const text = JSON.stringify(served, null, 2);
  await writeFile(join(derivedDir, MANIFEST_FILE), text, { flag: "wx" });
  const open: BundleIndex["open"] = [
    { path: `${root}${MANIFEST_FILE}`, url: `derived/${MANIFEST_FILE}`, size: Buffer.byteLength(text) },
  ];
  for (const file of files)
    if (file.path !== `${root}${MANIFEST_FILE}` && !file.path.startsWith(`${root}${SERVER_SUMMARIES}/`))
      open.push({ path: file.path, url: `files/${file.path}`, size: file.size });
  for (const [i, run] of runs.entries())
    if (run.summary)
      open.push({
        path: `${root}${SERVER_SUMMARIES}/${i}.bin`,
        url: `derived/${run.summary}`,
        size: (await lstat(join(derivedDir, run.summary))).size,
      });
  const index: BundleIndex = {
    title: bundle.manifest!.title ?? null,
    manifest: bundle.manifest!,
    runs,
    files,
    open,
  };
  await writeFile(join(derivedDir, INDEX_FILE), JSON.stringify(index));
};
