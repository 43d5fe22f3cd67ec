import type { BundleEntries } from "../format/bundle-entries";
import { readBundle, readZipBundle, type Bundle, type BundleRun } from "../format/bundle-reader";
import { blobSource, bytesSource, readAllBytes, type RandomAccessSource } from "../format/byte-source";
import { META } from "../format/contract";
import { describeProblem, FormatError, type FormatProblem } from "../format/errors";
import { readHistogramRun } from "../format/histogram-run-reader";
import { declaredHz, type RunFields } from "../format/manifest";
import { openRun, readBatchesAt, type SampleBatch } from "../format/run-reader";
import {
  batchesCovering,
  decodeSummary,
  evenEdges,
  heatmap,
  m4,
  m4FromSamples,
  summarizeHistogramRun,
  SummaryBuilder,
  type RunSummary,
} from "../summary";
import { digestOf } from "./digest";
import { openUrlSource } from "./http-source";
import { readAhead } from "./read-ahead";
import type { FromWorker, SerializedProblem, ToWorker, WorkerJob } from "./protocol";
import type { ByteSource } from "./sources";
import type { HeatmapCells, WindowColumns } from "./types";

export type Post = (message: FromWorker, transfer?: Transferable[]) => void;

interface OpenRun {
  key: string;
  file: string;
  source: RandomAccessSource;
  summary: RunSummary;
  /** Decoded record batches, most recently used last: raw windows reuse them while panning. */
  cache: Map<number, SampleBatch>;
}

const CACHED_BATCHES = 6;
const PROGRESS_EVERY_MS = 100;

function problemOf(error: unknown, file: string): SerializedProblem {
  if (error instanceof FormatError) return { ...error.toJSON() };
  const message = error instanceof Error ? error.message : String(error);
  return { file, expected: "a readable run file", found: message, message: `${file}: ${message}` };
}

function serialized(problem: FormatProblem): SerializedProblem {
  return { ...problem, message: describeProblem(problem) };
}

/** A Blob as a random-access source: read in this thread unless the worker gives a better way. */
export type BlobSourceFactory = (blob: Blob) => RandomAccessSource;

/** A bundle folder given as byte sources (picked Files or URLs), its top folder stripped from the paths. */
function sourceEntries(files: ByteSource[], blobs: BlobSourceFactory): BundleEntries {
  const tops = new Set(files.map((f) => (f.name.includes("/") ? f.name.split("/")[0] : "")));
  const strip = tops.size === 1 && !tops.has("") ? [...tops][0].length + 1 : 0;
  const byName = new Map(files.map((f) => [f.name.slice(strip), f]));
  return {
    names: () => [...byName.keys()],
    size: (name) => byName.get(name)?.size,
    open: async (name) => {
      const file = byName.get(name);
      return file ? randomAccess(file, blobs) : null;
    },
  };
}

async function randomAccessOf(
  opened: Awaited<ReturnType<Bundle["open"]>>,
  file: string,
): Promise<RandomAccessSource> {
  if (!opened) throw new FormatError({ file, expected: "a file that is in the bundle" });
  if ("read" in opened) return opened;
  // A deflated zip entry streams; raw windows need random access, so it is inflated once into memory.
  return bytesSource(await readAllBytes(opened));
}

function baseName(path: string): string {
  const name = path.slice(path.lastIndexOf("/") + 1);
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(0, dot) : name;
}

/** A source that counts the bytes read through it, for the progress bar. */
function counting(source: RandomAccessSource, onRead: (bytes: number) => void): RandomAccessSource {
  const countedRead =
    (read: (offset: number, length: number) => Promise<Uint8Array>) =>
    async (offset: number, length: number) => {
      const bytes = await read(offset, length);
      onRead(bytes.byteLength);
      return bytes;
    };
  const { readReused, release } = source;
  return {
    size: source.size,
    read: countedRead((offset, length) => source.read(offset, length)),
    readReused: readReused && countedRead(readReused.bind(source)),
    release: release?.bind(source),
  };
}

export async function randomAccess(
  source: ByteSource,
  blobs: BlobSourceFactory = blobSource,
): Promise<RandomAccessSource> {
  if (typeof source.read === "string") return openUrlSource(source.read, source.size);
  return blobs(source.read);
}

/**
 * The worker's state and logic, apart from the worker global so that it runs in Node tests too: opens
 * jobs, summarises their runs in one streaming pass (posting progress), keeps each summary, and answers
 * window and heat-map queries from it, fetching raw record batches only for windows finer than the
 * summary's pyramid.
 */
export class RunHost {
  private readonly runs = new Map<string, OpenRun>();

  /** `blobs` makes the sources for picked files (run.worker.ts reads them in a read worker). */
  constructor(
    private readonly post: Post,
    private readonly blobs: BlobSourceFactory = blobSource,
  ) {}

  async handle(message: ToWorker): Promise<void> {
    switch (message.type) {
      case "open":
        return this.open(message.job, message.jobKey);
      case "window":
        return this.answer(message.runKey, message.seq, () => this.window(message));
      case "heatmap":
        return this.answer(message.runKey, message.seq, async () => this.heatmap(message));
      case "close":
        this.runs.delete(message.runKey);
    }
  }

  private async answer(runKey: string, seq: number, work: () => Promise<FromWorker>): Promise<void> {
    try {
      const reply = await work();
      this.post(reply, transferables(reply));
    } catch (error) {
      this.post({
        type: "query-failed",
        runKey,
        seq,
        message: error instanceof Error ? error.message : String(error),
      });
    }
  }

  /** A job that could not be opened at all: no runs, one problem. */
  private jobFailed(jobKey: string, name: string, error: unknown): void {
    this.post({
      type: "discovered",
      jobKey,
      runs: [],
      problems: [{ key: jobKey, ...problemOf(error, name) }],
    });
  }

  private async open(job: WorkerJob, jobKey: string): Promise<void> {
    if (job.kind === "run") {
      let source: RandomAccessSource;
      try {
        source = await randomAccess(job.source, this.blobs);
      } catch (error) {
        this.jobFailed(jobKey, job.name, error);
        return;
      }
      await this.summarise(jobKey, job.name, source, { discoverAs: jobKey });
      return;
    }
    let bundle: Bundle;
    try {
      bundle =
        job.kind === "zip"
          ? await readZipBundle(await randomAccess(job.source, this.blobs), job.name)
          : await readBundle(sourceEntries(job.files, this.blobs), job.name);
    } catch (error) {
      this.jobFailed(jobKey, job.name, error);
      return;
    }
    await this.openBundle(bundle, jobKey);
  }

  /** Announces a bundle's runs and problems, then summarises the runs one after the other. */
  private async openBundle(bundle: Bundle, jobKey: string): Promise<void> {
    const keyOf = (run: BundleRun) => `${jobKey}/${run.id}`;
    const where = (file: string) => (file.startsWith(bundle.name) ? file : `${bundle.name}: ${file}`);
    // The bundle's fingerprint describes every run that does not carry its own.
    const host = bundle.manifest?.host;
    for (const run of bundle.runs) if (host && !run.fields.host) run.fields = { ...run.fields, host };
    const readable = bundle.runs.filter((run) => run.header !== null);
    const problems = [
      ...bundle.problems.map((problem, i) => ({
        key: `${jobKey}#${i}`,
        ...serialized({ ...problem, file: where(problem.file) }),
      })),
      ...bundle.runs
        .filter((run) => run.header === null)
        .map((run) => ({
          key: keyOf(run),
          ...serialized({
            ...(run.errors[0] ?? { file: run.file, expected: "a readable run" }),
            file: where(run.errors[0]?.file ?? run.file),
          }),
        })),
    ];
    this.post({
      type: "discovered",
      jobKey,
      runs: readable.map((run) => ({
        key: keyOf(run),
        id: run.id,
        file: run.file,
        test: run.test ?? null,
        fields: run.fields,
        bytes: bundle.entries.size(run.file) ?? 0,
      })),
      problems,
    });
    for (const run of readable) {
      try {
        const source = await randomAccessOf(await bundle.open(run.file), run.file);
        const saved = run.summaryFile ? await this.savedSummary(bundle, run.summaryFile) : null;
        if (saved) this.keep(keyOf(run), run.file, source, saved, run.fields, run.test ?? null);
        else
          await this.summarise(keyOf(run), run.file, source, {
            fields: run.fields,
            test: run.test,
            kind: run.kind,
          });
      } catch (error) {
        this.post({ type: "failed", runKey: keyOf(run), problem: problemOf(error, run.file) });
      }
    }
  }

  /** A summary saved next to the run (the collector or the server wrote it); null when it does not load. */
  private async savedSummary(bundle: Bundle, file: string): Promise<RunSummary | null> {
    try {
      const source = await randomAccessOf(await bundle.open(file), file);
      return decodeSummary(await source.read(0, source.size), file);
    } catch {
      return null;
    }
  }

  private keep(
    key: string,
    file: string,
    source: RandomAccessSource,
    summary: RunSummary,
    fields: RunFields,
    test: string | null,
  ) {
    this.runs.set(key, { key, file, source, summary, cache: new Map() });
    this.post({
      type: "progress",
      runKey: key,
      progress: { bytes: source.size, totalBytes: source.size, samples: summary.count },
    });
    this.post({
      type: "summary",
      runKey: key,
      digest: digestOf(summary),
      fields,
      test: test ?? summary.test ?? null,
    });
  }

  /**
   * Reads one run end to end in one streaming pass, posting progress. `discoverAs` announces it first
   * (a lone run file is its own job); `fields` (a manifest's) override the file's own.
   */
  private async summarise(
    key: string,
    file: string,
    source: RandomAccessSource,
    options: { discoverAs?: string; fields?: RunFields; test?: string; kind?: "samples" | "histogram" } = {},
  ): Promise<void> {
    let bytes = 0;
    let samples = 0;
    let lastPost = 0;
    let announced = !options.discoverAs;
    const announce = (test: string | undefined, fields: RunFields) => {
      if (announced) return;
      announced = true;
      this.post({
        type: "discovered",
        jobKey: options.discoverAs ?? key,
        runs: [{ key, id: baseName(file), file, test: test ?? null, fields, bytes: source.size }],
        problems: [],
      });
    };
    const progress = (force = false) => {
      const now = Date.now();
      if (!force && now - lastPost < PROGRESS_EVERY_MS) return;
      lastPost = now;
      this.post({ type: "progress", runKey: key, progress: { bytes, totalBytes: source.size, samples } });
    };
    const counted = counting(readAhead(source), (n) => {
      bytes += n;
    });
    try {
      if (options.kind === "histogram") {
        const run = await readHistogramRun(counted, file);
        announce(run.header.test, run.header.fields);
        this.keep(
          key,
          file,
          source,
          summarizeHistogramRun(run),
          { ...run.header.fields, ...options.fields },
          options.test ?? run.header.test ?? null,
        );
        return;
      }
      const handle = await openRun(counted, file);
      announce(handle.header.test, handle.header.fields);
      const test = options.test ?? handle.header.test;
      const builder = new SummaryBuilder({
        test,
        hz: declaredHz({ ...handle.header.fields, ...options.fields }, null),
      });
      // The builder keeps nothing of a batch (it copies what it holds back): buffers can be reused.
      for await (const batch of handle.batches({ reuseTimestamps: true })) {
        builder.add(batch);
        samples += batch.ts.length;
        progress();
      }
      progress(true);
      this.keep(
        key,
        file,
        source,
        builder.finish(),
        { ...handle.header.fields, ...options.fields },
        test ?? null,
      );
    } catch (error) {
      if (error instanceof FormatError && error.field === META.kind && options.kind !== "histogram")
        return this.summarise(key, file, source, { ...options, kind: "histogram" });
      if (!announced && options.discoverAs)
        this.post({
          type: "discovered",
          jobKey: options.discoverAs,
          runs: [],
          problems: [{ key, ...problemOf(error, file) }],
        });
      else this.post({ type: "failed", runKey: key, problem: problemOf(error, file) });
    }
  }

  private run(key: string): OpenRun {
    const run = this.runs.get(key);
    if (!run) throw new Error(`run ${key} is not open in this worker`);
    return run;
  }

  private async rawBatches(run: OpenRun, t0: number, t1: number): Promise<SampleBatch[]> {
    const wanted = batchesCovering(run.summary, t0, t1);
    const missing = wanted.filter((entry) => !run.cache.has(entry.index));
    if (missing.some((entry) => entry.byteOffset === null || entry.byteLength === null))
      throw new Error(`${run.file}: no batch offsets to fetch a raw window from`);
    if (missing.length) {
      const locations = missing.map((entry) => ({
        index: entry.index,
        firstRow: entry.firstRow,
        byteOffset: entry.byteOffset!,
        byteLength: entry.byteLength!,
      }));
      for await (const batch of readBatchesAt(run.source, run.file, locations))
        run.cache.set(batch.index, batch);
    }
    const batches = wanted.map((entry) => {
      const batch = run.cache.get(entry.index)!;
      run.cache.delete(entry.index);
      run.cache.set(entry.index, batch);
      return batch;
    });
    while (run.cache.size > Math.max(CACHED_BATCHES, wanted.length))
      run.cache.delete(run.cache.keys().next().value!);
    return batches;
  }

  private async window(request: Extract<ToWorker, { type: "window" }>): Promise<FromWorker> {
    const run = this.run(request.runKey);
    const { t0, t1, columns, rawBelow } = request;
    const fromPyramid = m4(run.summary, t0, t1, columns, { offsetNs: 0 });
    let samples = 0;
    for (let i = 0; i < columns; i++) samples += fromPyramid.count[i];
    let result: WindowColumns;
    if (!fromPyramid.rawNeeded && samples > rawBelow) {
      result = columnsOf(fromPyramid.edges, fromPyramid, t0, t1, "pyramid", samples, null);
    } else {
      const batches = await this.rawBatches(run, t0, t1);
      const edges = evenEdges(t0, t1, columns);
      const raw = m4FromSamples(batches, edges, 0);
      let inside = 0;
      for (let i = 0; i < columns; i++) inside += raw.count[i];
      result = columnsOf(
        edges,
        raw,
        t0,
        t1,
        "raw",
        inside,
        inside <= rawBelow ? pointsIn(batches, t0, t1, inside) : null,
      );
    }
    return { type: "window", runKey: request.runKey, seq: request.seq, window: result };
  }

  private heatmap(request: Extract<ToWorker, { type: "heatmap" }>): FromWorker {
    const run = this.run(request.runKey);
    const family = run.summary.periodicSpikes.find((f) => f.periodNs === request.periodNs);
    const map = heatmap(run.summary, request.periodNs, {
      columns: request.rows,
      // The family's spikes a quarter of the way up, so that a phase that wanders does not wrap.
      phaseNs: family ? (family.phaseNs - family.periodNs / 4 + family.periodNs) % family.periodNs : 0,
    });
    let maxValue = 0;
    for (const value of map.values) if (value > maxValue) maxValue = value;
    const cells: HeatmapCells = {
      periodNs: map.periodNs,
      phaseNs: map.phaseNs,
      secondStart: map.firstSecond,
      seconds: map.rows,
      rows: map.columns,
      values: map.values,
      maxValue,
    };
    return { type: "heatmap", runKey: request.runKey, seq: request.seq, heatmap: cells };
  }
}

function columnsOf(
  edges: Float64Array,
  m: { count: Float64Array; min: Float64Array; max: Float64Array; minTs: Float64Array; maxTs: Float64Array },
  t0: number,
  t1: number,
  source: WindowColumns["source"],
  samples: number,
  raw: WindowColumns["raw"],
): WindowColumns {
  const n = edges.length - 1;
  return {
    t0,
    t1,
    start: edges.slice(0, n),
    min: m.min,
    max: m.max,
    minTs: m.minTs,
    maxTs: m.maxTs,
    count: m.count,
    raw,
    source,
    samples,
  };
}

function pointsIn(
  batches: SampleBatch[],
  t0: number,
  t1: number,
  count: number,
): { ts: Float64Array; value: Float64Array } {
  const ts = new Float64Array(count);
  const value = new Float64Array(count);
  let k = 0;
  for (const batch of batches)
    for (let i = 0; i < batch.ts.length && k < count; i++) {
      const t = batch.ts[i];
      if (t < t0 || t >= t1) continue;
      ts[k] = t;
      value[k++] = batch.duration[i];
    }
  return { ts: ts.subarray(0, k), value: value.subarray(0, k) };
}

function transferables(message: FromWorker): Transferable[] {
  if (message.type === "window") {
    const w = message.window;
    const arrays = [w.start, w.min, w.max, w.minTs, w.maxTs, w.count, w.raw?.ts, w.raw?.value];
    return [...new Set(arrays.filter((a): a is Float64Array => !!a).map((a) => a.buffer as ArrayBuffer))];
  }
  if (message.type === "heatmap") return [message.heatmap.values.buffer as ArrayBuffer];
  return [];
}
