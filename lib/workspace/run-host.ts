import { attributeBundleRun } from "../analysis/attribute-bundle";
import type { EventBatchIndex } from "../analysis/event-batch-index";
import { readBundle, readZipBundle, type Bundle, type BundleRun } from "../format/bundle-reader";
import { blobSource, type RandomAccessSource } from "../format/byte-source";
import { META } from "../format/contract";
import { FormatError } from "../format/errors";
import { readHistogramRun } from "../format/histogram-run-reader";
import { declaredHz, type RunFields } from "../format/manifest";
import { describeRecovery, recoveredNote } from "../format/recovery";
import { lastTimestamp, openRun } from "../format/run-reader";
import {
  decodeSummary,
  pyramidBucketsFor,
  summarizeHistogramRun,
  SummaryBuilder,
  type RunSummary,
} from "../summary";
import { BatchCache } from "./batch-cache";
import { digestOf } from "./digest";
import { readAhead } from "./read-ahead";
import type { FromWorker, ToWorker, WorkerJob } from "./protocol";
import {
  baseName,
  counting,
  randomAccess,
  randomAccessOf,
  sourceEntries,
  type BlobSourceFactory,
} from "./run-sources";
import { eventsWindow } from "./events-window";
import { transferables, windowColumns } from "./window-queries";
import { samplesTransferables, windowSamples } from "./window-samples";
import { problemOf, serialized } from "./worker-problems";

export type Post = (message: FromWorker, transfer?: Transferable[]) => void;

/** An open run: its summary, and its raw batches on demand. */
interface OpenRun {
  summary: RunSummary;
  batches: BatchCache;
  file: string;
  source: RandomAccessSource;
}

const PROGRESS_EVERY_MS = 100;

/** A read the page cancelled: its summary pass stops at the next batch. */
class Cancelled extends Error {}

type Outcome = "done" | "cancelled";

/**
 * The worker's state and logic, apart from the worker global so that it runs in Node tests too: opens
 * jobs, summarises their runs in one streaming pass (posting progress), keeps each summary, and answers
 * window and heat-map queries from it, fetching raw record batches only for windows finer than the
 * summary's pyramid.
 */
export class RunHost {
  private readonly runs = new Map<string, OpenRun>();
  /** Each open run's kernel events, once read: null when it has none (or they did not read). */
  private readonly events = new Map<string, EventBatchIndex | null>();
  /** Runs being read from their samples, and how to stop each read. */
  private readonly reading = new Map<string, AbortController>();
  /** Runs whose read was cancelled, and how to read them again ("open again"). */
  private readonly retries = new Map<string, () => Promise<void>>();

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
        return this.answer(message.runKey, message.seq, async () => {
          const run = this.run(message.runKey);
          const window = await windowColumns(run.summary, run.batches, message);
          return { type: "window", runKey: message.runKey, seq: message.seq, window };
        });
      case "events-window":
        return this.answer(message.runKey, message.seq, async () => {
          const index = this.eventsOf(message.runKey);
          return {
            type: "events-window",
            runKey: message.runKey,
            seq: message.seq,
            events: index ? await eventsWindow(index, message) : null,
          };
        });
      case "sample-causes":
        return this.answer(message.runKey, message.seq, async () => {
          const { ts, durationNs } = message;
          const offsetNs = this.run(message.runKey).summary.offsetNs;
          const index = this.eventsOf(message.runKey);
          return {
            type: "sample-causes",
            runKey: message.runKey,
            seq: message.seq,
            causes: {
              ts,
              durationNs,
              lostNs: Math.max(0, durationNs - offsetNs),
              causes: index ? await index.causesOf(ts, durationNs, offsetNs) : null,
            },
          };
        });
      case "samples":
        return this.answer(message.runKey, message.seq, async () => {
          const run = this.run(message.runKey);
          const samples = await windowSamples(run.summary, run.file, run.source, message);
          return { type: "samples", runKey: message.runKey, seq: message.seq, samples };
        });
      case "cancel":
        this.reading.get(message.runKey)?.abort();
        return;
      case "reopen": {
        const retry = this.retries.get(message.runKey);
        this.retries.delete(message.runKey);
        return retry?.();
      }
      case "close":
        // Closed while read: stopped like a cancel, but nothing is kept to read it again.
        this.reading.get(message.runKey)?.abort("closed");
        this.retries.delete(message.runKey);
        this.runs.delete(message.runKey);
        this.events.delete(message.runKey);
    }
  }

  private async answer(runKey: string, seq: number, work: () => Promise<FromWorker>): Promise<void> {
    try {
      const reply = await work();
      this.post(reply, reply.type === "samples" ? samplesTransferables(reply.samples) : transferables(reply));
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
      const read = async (): Promise<Outcome> => {
        const outcome = await this.summarise(jobKey, job.name, source, { discoverAs: jobKey });
        // A lone run file has no manifest to name its events: none, said as such.
        if (this.runs.has(jobKey)) {
          this.events.set(jobKey, null);
          this.post({
            type: "events",
            runKey: jobKey,
            events: { attribution: null, lostEvents: null, problem: null },
          });
        }
        return outcome;
      };
      return this.resumable(jobKey, read);
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
      let attributed = false;
      try {
        const source = await randomAccessOf(await bundle.open(run.file), run.file);
        const { summary: saved, problem } = run.summaryFile
          ? await this.savedSummary(bundle, run.summaryFile)
          : { summary: null, problem: undefined };
        // A repaired run keeps its note in the manifest (tickscope repair).
        const recovered = saved && run.header?.recovered ? recoveredNote(saved.count) : run.fields.recovered;
        if (saved) this.keep(keyOf(run), run.file, source, saved, run.fields, run.test ?? null, recovered);
        else {
          // Its events are laid over it once it is read (again, when it is opened again after a cancel).
          attributed = true;
          await this.resumable(keyOf(run), async () => {
            const outcome = await this.summarise(keyOf(run), run.file, source, {
              fields: run.fields,
              test: run.test,
              kind: run.kind,
              summaryProblem: problem,
            });
            await this.attribute(bundle, run, keyOf(run));
            return outcome;
          });
        }
      } catch (error) {
        this.post({ type: "failed", runKey: keyOf(run), problem: problemOf(error, run.file) });
      }
      if (!attributed) await this.attribute(bundle, run, keyOf(run));
    }
  }

  /**
   * Runs a read that the page may cancel: when it is, the page hears so and the read can be started
   * again from the start ("open again"); the worker holds nothing of it meanwhile but its source.
   */
  private async resumable(key: string, read: () => Promise<Outcome>): Promise<void> {
    if ((await read()) !== "cancelled") return;
    this.retries.set(key, () => this.resumable(key, read));
    this.post({ type: "cancelled", runKey: key });
  }

  /** The run's kernel events laid over its samples (one more pass over the run), once it is open. */
  private async attribute(bundle: Bundle, run: BundleRun, key: string): Promise<void> {
    const open = this.runs.get(key);
    if (!open) return;
    const { attribution, lostEvents, events, errors } = await attributeBundleRun(bundle, run, open.summary, {
      fineBins: true,
    });
    this.events.set(key, attribution ? events : null);
    this.post({
      type: "events",
      runKey: key,
      events: { attribution, lostEvents, problem: errors[0] ? serialized(errors[0]) : null },
    });
  }

  /**
   * A summary saved next to the run (the collector or the server wrote it); when it does not load, why
   * (the run is then summarised from its samples, and the page says so).
   */
  private async savedSummary(
    bundle: Bundle,
    file: string,
  ): Promise<{ summary: RunSummary | null; problem?: string }> {
    try {
      const source = await randomAccessOf(await bundle.open(file), file);
      return { summary: decodeSummary(await source.read(0, source.size), file) };
    } catch (error) {
      const message =
        error instanceof FormatError
          ? problemOf(error, file).message
          : error instanceof Error
            ? error.message
            : String(error);
      return { summary: null, problem: message.startsWith(file) ? message : `${file}: ${message}` };
    }
  }

  private keep(
    key: string,
    file: string,
    source: RandomAccessSource,
    summary: RunSummary,
    fields: RunFields,
    test: string | null,
    recovered?: string,
    summaryProblem?: string,
  ) {
    this.runs.set(key, { summary, batches: new BatchCache(file, source, summary), file, source });
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
      ...(recovered ? { recovered } : {}),
      ...(summaryProblem ? { summaryProblem } : {}),
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
    options: {
      discoverAs?: string;
      fields?: RunFields;
      test?: string;
      kind?: "samples" | "histogram";
      /** Why the run's saved summary could not be used, said beside the one made here. */
      summaryProblem?: string;
    } = {},
  ): Promise<Outcome> {
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
    const cancel = new AbortController();
    this.reading.set(key, cancel);
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
          undefined,
          options.summaryProblem,
        );
        return "done";
      }
      const handle = await openRun(counted, file);
      announce(handle.header.test, handle.header.fields);
      const test = options.test ?? handle.header.test;
      const builder = new SummaryBuilder({
        test,
        hz: declaredHz({ ...handle.header.fields, ...options.fields }, null),
        // A long run gets a finer pyramid, so that it zooms like a short one (12 bytes: a sample's least).
        pyramidBuckets: pyramidBucketsFor(source.size / 12),
      });
      // The run's end, read beside the pass (straight from the source: the pass's read-ahead is not
      // disturbed) and given to the builder when it comes; a failure there is the pass's to report.
      const end: { lastTs: number | null } = { lastTs: null };
      void lastTimestamp(source, file, handle).then(
        (ts) => (end.lastTs = ts),
        () => undefined,
      );
      // The builder keeps nothing of a batch (it copies what it holds back): buffers can be reused.
      for await (const batch of handle.batches({ reuseTimestamps: true })) {
        if (cancel.signal.aborted) throw new Cancelled();
        if (end.lastTs !== null) {
          builder.expectLastTs(end.lastTs);
          end.lastTs = null;
        }
        builder.add(batch);
        samples += batch.ts.length;
        progress();
      }
      progress(true);
      const recovery = handle.recovery();
      this.keep(
        key,
        file,
        source,
        builder.finish(),
        { ...handle.header.fields, ...options.fields },
        test ?? null,
        recovery ? describeRecovery(recovery) : options.fields?.recovered,
        options.summaryProblem,
      );
      return "done";
    } catch (error) {
      if (error instanceof Cancelled || cancel.signal.aborted)
        return cancel.signal.reason === "closed" ? "done" : "cancelled";
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
      return "done";
    } finally {
      if (this.reading.get(key) === cancel) this.reading.delete(key);
    }
  }

  /** The run's events, or null when it has none; an error while they are still being read. */
  private eventsOf(key: string): EventBatchIndex | null {
    this.run(key);
    const index = this.events.get(key);
    if (index === undefined) throw new Error(`the kernel events of run ${key} are still being read`);
    return index;
  }

  private run(key: string): OpenRun {
    const run = this.runs.get(key);
    if (!run) throw new Error(`run ${key} is not open in this worker`);
    return run;
  }
}
