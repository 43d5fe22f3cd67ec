import { lstat, mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import type { BundleEntries } from "../format/bundle-entries";
import { readBundle, type Bundle } from "../format/bundle-reader";
import { MANIFEST_FILE } from "../format/contract";
import { FormatError, type FormatProblem } from "../format/errors";
import { readHistogramRun } from "../format/histogram-run-reader";
import { declaredHz, type Manifest, type RunFields } from "../format/manifest";
import { folderEntries, openFileSource } from "../format/node-source";
import { describeRecovery } from "../format/recovery";
import { openRun } from "../format/run-reader";
import { decodeSummary, encodeSummary, summarizeRun } from "../summary";
import { attributeBundleRun, eventFilesOf } from "../analysis/attribute-bundle";
import { encodeAttribution } from "../analysis/attribution-codec";
import type { BundleChecker } from "./ingest";
import { derivedBudget } from "./limits";
import type { StreamedSummary } from "./streamed-summary";
import { UploadError } from "./upload-error";

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
  /** The run's attribution to its kernel events, computed at upload in the derived area (null without events). */
  attribution?: string | null;
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
export const SERVER_ATTRIBUTIONS = ".tickscope/attribution";

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

/** Where the served manifest names a summary written at `summaries/…` of the derived area. */
const servedSummaryPath = (path: string) => `${SERVER_SUMMARIES}/${path.replace(/^summaries\//, "")}`;
const servedAttributionPath = (path: string) =>
  `${SERVER_ATTRIBUTIONS}/${path.replace(/^attribution\//, "")}`;

/** The bundle's entries with each file opened once, however many runs name it. */
function openingOnce(entries: BundleEntries): BundleEntries {
  const opened = new Map<string, ReturnType<BundleEntries["open"]>>();
  return {
    names: () => entries.names(),
    size: (name) => entries.size(name),
    open(name) {
      let source = opened.get(name);
      if (!source) opened.set(name, (source = entries.open(name)));
      return source;
    },
    close: async () => entries.close?.(),
  };
}

/** Refuses a manifest naming more runs than the limit, before any run is opened. */
async function requireRunLimit(manifestPath: string, maxRuns: number): Promise<number> {
  let text: string;
  try {
    text = await readFile(manifestPath, "utf8");
  } catch {
    return 0; // no manifest: readBundle says so
  }
  let runs: unknown;
  try {
    runs = (JSON.parse(text) as { runs?: unknown } | null)?.runs;
  } catch {
    return Buffer.byteLength(text); // not JSON: readBundle says where
  }
  if (Array.isArray(runs) && runs.length > maxRuns)
    throw new UploadError(413, {
      message: `A bundle may name at most ${maxRuns} runs (TICKSCOPE_MAX_RUNS); this manifest names ${runs.length}.`,
      file: MANIFEST_FILE,
      field: "runs",
      expected: `at most ${maxRuns} runs`,
      found: `${runs.length} runs`,
    });
  return Buffer.byteLength(text);
}

/** Writes the derived files of one upload, refusing (413) once they outgrow `derivedBudget`. */
class DerivedWriter {
  written = 0;
  samples = 0;

  constructor(
    private readonly dir: string,
    private readonly manifestBytes: number,
  ) {}

  async write(path: string, bytes: Uint8Array | string): Promise<number> {
    const size = typeof bytes === "string" ? Buffer.byteLength(bytes) : bytes.byteLength;
    const budget = derivedBudget(this.samples, this.manifestBytes);
    if (this.written + size > budget)
      throw new UploadError(413, {
        message:
          `What the server derives from this bundle (summaries, manifest and index) would exceed ` +
          `${budget} bytes, its limit for ${this.samples} samples: does the manifest name one run file many times?`,
        file: MANIFEST_FILE,
        expected: `derived data of at most ${budget} bytes`,
        found: `more than ${this.written + size} bytes`,
      });
    await writeFile(join(this.dir, path), bytes, { flag: "wx" });
    this.written += size;
    return size;
  }
}

/**
 * Validates a bundle's files with the reader the CLI and the browser use (lib/format/bundle-reader for
 * the manifest and headers, run-reader for every sample), summarizes every sample run file once
 * (lib/summary; runs naming the same file with the same test share its summary), and writes the
 * summaries, a manifest naming them, and the bundle's index to `derivedDir`, within `derivedBudget`.
 * A run summarized while it arrived (`streamed`, by its path in the bundle) is not read again; one
 * that could not be (null) is read from disk, which reports what is wrong with it.
 */
export const checkBundle: BundleChecker = async (filesDir, derivedDir, uploadName, { limits, streamed }) => {
  const files = await listFiles(filesDir);
  const root = manifestRoot(files.map((f) => f.path));
  const manifestBytes = await requireRunLimit(
    join(filesDir, ...`${root}${MANIFEST_FILE}`.split("/")),
    limits.maxRuns,
  );
  const derived = new DerivedWriter(derivedDir, manifestBytes);
  const bundle = await readBundle(openingOnce(await folderEntries(filesDir)), uploadName);
  let served: Manifest;
  const runs: IndexedRun[] = [];
  /** Summaries written, by run file, test and CONFIG_HZ: the path and the summary. */
  const summarized = new Map<
    string,
    { path: string; summary: StreamedSummary & { recovered?: string }; size: number }
  >();
  const histograms = new Set<string>();
  /** Attributions written, by run file, summary and events files: the path and its size. */
  const attributed = new Map<string, { path: string; size: number }>();
  try {
    rejectProblems(bundle);
    await mkdir(join(derivedDir, "summaries"), { recursive: true });
    for (const [i, run] of bundle.runs.entries()) {
      const path = join(filesDir, ...run.file.split("/"));
      const size = (await lstat(path)).size;
      const base = { id: run.id, file: run.file, test: run.test ?? null, size, fields: run.fields };
      const problems = run.header?.problems ?? [];
      if (run.kind === "histogram") {
        if (!histograms.has(run.file)) {
          const source = await openFileSource(path);
          await readHistogramRun(source, run.file).finally(() => source.close());
          histograms.add(run.file);
        }
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
      const hz = declaredHz(run.fields, bundle.manifest);
      const key = JSON.stringify([run.file, run.test ?? null, hz]);
      let done = summarized.get(key);
      if (!done) {
        const early = await streamed?.get(run.file);
        const summary: StreamedSummary & { recovered?: string } =
          early && early.test === run.test && early.hz === hz
            ? early
            : await summarize(path, run.file, run.test, hz);
        derived.samples += summary.count;
        const summaryPath = `summaries/${i}.bin`;
        done = { path: summaryPath, summary, size: await derived.write(summaryPath, summary.encoded) };
        summarized.set(key, done);
      }
      // The kernel events: checked (a bad file refuses the upload, naming file and field) and laid
      // over the samples once, here, so that no viewer reads the run again for them.
      const eventFiles = eventFilesOf(bundle, run);
      let attribution: string | null = null;
      if (eventFiles.events) {
        const attributionKey = JSON.stringify([key, eventFiles.events, eventFiles.steal ?? null]);
        let saved = attributed.get(attributionKey);
        if (!saved) {
          const summary = decodeSummary(done.summary.encoded, done.path);
          const result = await attributeBundleRun(bundle, run, summary);
          if (result.errors.length) throw new FormatError(result.errors[0]);
          if (!result.attribution)
            throw new FormatError({ file: eventFiles.events, expected: "events of a sample run" });
          if (!attributed.size) await mkdir(join(derivedDir, "attribution"), { recursive: true });
          const path = `attribution/${i}.json`;
          saved = { path, size: await derived.write(path, encodeAttribution(result.attribution)) };
          attributed.set(attributionKey, saved);
        }
        attribution = saved.path;
      }
      runs.push({
        ...base,
        kind: "samples",
        summary: done.path,
        attribution,
        count: done.summary.count,
        spanNs: done.summary.spanNs,
        max: done.summary.max,
        problems,
        ...(done.summary.recovered ? { recovered: done.summary.recovered } : {}),
      });
    }
    const manifest = bundle.manifest!;
    served = {
      ...manifest,
      runs: manifest.runs.map((run, i) => {
        const { summary, attribution } = runs[i];
        return {
          ...run,
          ...(summary && { summary: servedSummaryPath(summary) }),
          ...(attribution && { attribution: servedAttributionPath(attribution) }),
        };
      }),
    };
  } finally {
    await bundle.close();
  }

  const text = JSON.stringify(served, null, 2);
  await derived.write(MANIFEST_FILE, text);
  const open: BundleIndex["open"] = [
    { path: `${root}${MANIFEST_FILE}`, url: `derived/${MANIFEST_FILE}`, size: Buffer.byteLength(text) },
  ];
  for (const file of files)
    if (
      file.path !== `${root}${MANIFEST_FILE}` &&
      !file.path.startsWith(`${root}${SERVER_SUMMARIES}/`) &&
      !file.path.startsWith(`${root}${SERVER_ATTRIBUTIONS}/`)
    )
      open.push({ path: file.path, url: `files/${file.path}`, size: file.size });
  for (const { path, size } of summarized.values())
    open.push({
      path: `${root}${servedSummaryPath(path)}`,
      url: `derived/${path}`,
      size,
    });
  for (const { path, size } of attributed.values())
    open.push({ path: `${root}${servedAttributionPath(path)}`, url: `derived/${path}`, size });
  const index: BundleIndex = {
    title: bundle.manifest!.title ?? null,
    manifest: bundle.manifest!,
    runs,
    files,
    open,
  };
  await derived.write(INDEX_FILE, JSON.stringify(index));
};
