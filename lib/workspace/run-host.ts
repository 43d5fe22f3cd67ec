import { readBatchesAt, openRun, type SampleBatch } from "../format/run-reader";
import { blobSource, type RandomAccessSource } from "../format/byte-source";
import { FormatError } from "../format/errors";
import {
  batchesCovering,
  evenEdges,
  heatmap,
  m4,
  m4FromSamples,
  SummaryBuilder,
  type RunSummary,
} from "../summary";
import { digestOf } from "./digest";
import { openUrlSource } from "./http-source";
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

function baseName(path: string): string {
  const name = path.slice(path.lastIndexOf("/") + 1);
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(0, dot) : name;
}

/** A source that counts the bytes read through it, for the progress bar. */
function counting(source: RandomAccessSource, onRead: (bytes: number) => void): RandomAccessSource {
  return {
    size: source.size,
    read: async (offset, length) => {
      const bytes = await source.read(offset, length);
      onRead(bytes.byteLength);
      return bytes;
    },
  };
}

export async function randomAccess(source: ByteSource): Promise<RandomAccessSource> {
  if (typeof source.read === "string") return openUrlSource(source.read, source.size);
  return blobSource(source.read);
}

/**
 * The worker's state and logic, apart from the worker global so that it runs in Node tests too: opens
 * jobs, summarises their runs in one streaming pass (posting progress), keeps each summary, and answers
 * window and heat-map queries from it, fetching raw record batches only for windows finer than the
 * summary's pyramid.
 */
export class RunHost {
  private readonly runs = new Map<string, OpenRun>();

  constructor(private readonly post: Post) {}

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

  private async open(job: WorkerJob, jobKey: string): Promise<void> {
    if (job.kind !== "run") {
      this.post({
        type: "discovered",
        jobKey,
        runs: [],
        problems: [{ key: jobKey, ...problemOf(new Error("bundles are not supported yet"), job.name) }],
      });
      return;
    }
    const file = job.name;
    let source: RandomAccessSource;
    try {
      source = await randomAccess(job.source);
    } catch (error) {
      this.post({
        type: "discovered",
        jobKey,
        runs: [],
        problems: [{ key: jobKey, ...problemOf(error, file) }],
      });
      return;
    }
    await this.summarise(jobKey, file, source, { discoverAs: jobKey });
  }

  /** Reads one run end to end; `discoverAs` announces it first (a lone run file is its own job). */
  private async summarise(
    key: string,
    file: string,
    source: RandomAccessSource,
    options: { discoverAs?: string } = {},
  ) {
    let bytes = 0;
    let samples = 0;
    let lastPost = 0;
    let announced = !options.discoverAs;
    const progress = (force = false) => {
      const now = Date.now();
      if (!force && now - lastPost < PROGRESS_EVERY_MS) return;
      lastPost = now;
      this.post({ type: "progress", runKey: key, progress: { bytes, totalBytes: source.size, samples } });
    };
    try {
      const handle = await openRun(
        counting(source, (n) => {
          bytes += n;
        }),
        file,
      );
      if (!announced) {
        announced = true;
        this.post({
          type: "discovered",
          jobKey: options.discoverAs ?? key,
          runs: [
            {
              key,
              id: baseName(file),
              file,
              test: handle.header.test ?? null,
              fields: handle.header.fields,
              bytes: source.size,
            },
          ],
          problems: [],
        });
      }
      const builder = new SummaryBuilder({ test: handle.header.test });
      for await (const batch of handle.batches()) {
        builder.add(batch);
        samples += batch.ts.length;
        progress();
      }
      const summary = builder.finish();
      this.runs.set(key, { key, file, source, summary, cache: new Map() });
      progress(true);
      this.post({
        type: "summary",
        runKey: key,
        digest: digestOf(summary),
        fields: handle.header.fields,
        test: handle.header.test ?? null,
      });
    } catch (error) {
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
      phaseNs: family?.phaseNs ?? 0,
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
