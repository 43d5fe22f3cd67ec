import type { RunFields } from "../format/manifest";
import type { FromWorker, ToWorker, WorkerJob } from "./protocol";
import { withUniqueLabels } from "./run-labels";
import { spawnReadWorker, startReadWorkerBeside } from "./read-port";
import { planOpen, sourcesFromFiles, type ByteSource } from "./sources";
import { TimeLeft } from "./time-left";
import type { EventsWindow, RunEntry, SampleCauses, WindowColumns, WindowSamples } from "./types";

export interface WorkspaceSnapshot {
  runs: RunEntry[];
}

type Listener = () => void;

interface Pending<T> {
  seq: number;
  resolve: (value: T | null) => void;
  reject: (error: Error) => void;
}

/** Spawns a run worker; a function so tests and the bench can swap it. */
export type WorkerFactory = () => Worker;

export function defaultWorkerFactory(): Worker {
  const worker = new Worker(new URL("./run.worker.ts", import.meta.url), {
    type: "module",
    name: "tickscope-run",
  });
  startReadWorkerBeside(worker, spawnReadWorker);
  return worker;
}

/** The row a job holds in the runs list until its worker says which runs it has. */
function jobRow(
  key: string,
  name: string,
): Pick<RunEntry, "key" | "id" | "source" | "file" | "test" | "fields"> {
  return { key, id: name, source: name, file: name, test: null, fields: {} };
}

/**
 * The open runs of the page and the workers that hold them. Opening, summarising and every query on a
 * run happen in its worker; this object keeps only the small digests, and hands out snapshots for
 * React (useSyncExternalStore). Only the latest window request per run is answered: older ones resolve
 * to null.
 */
export class Workspace {
  private snapshot: WorkspaceSnapshot = { runs: [] };
  private readonly listeners = new Set<Listener>();
  private readonly workers: Worker[] = [];
  private readonly owner = new Map<string, Worker>();
  private readonly windowWaits = new Map<number, Pending<WindowColumns>>();
  private readonly eventsWindowWaits = new Map<number, Pending<EventsWindow | null>>();
  private readonly causesWaits = new Map<number, Pending<SampleCauses>>();
  private readonly samplesWaits = new Map<number, Pending<WindowSamples>>();
  private readonly slots = new Map<
    string,
    { inFlight: number | null; queued: (() => void) | null; cancelQueued?: () => void }
  >();
  /** Everything opened, as given: what "Share" uploads. */
  private readonly opened: ByteSource[] = [];
  private nextWorker = 0;
  /** A worker started by prewarm() that has no job yet. */
  private warm: Worker | null = null;
  private seq = 0;
  private jobCount = 0;
  private notifyScheduled = false;
  /** The read rate of each run being read from its samples, for its time left. */
  private readonly timeLeft = new Map<string, TimeLeft>();

  constructor(
    private readonly factory: WorkerFactory = defaultWorkerFactory,
    private readonly poolSize = Math.max(
      1,
      Math.min(4, (globalThis.navigator?.hardwareConcurrency ?? 2) - 0),
    ),
  ) {}

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): WorkspaceSnapshot => this.snapshot;

  run(key: string): RunEntry | undefined {
    return this.snapshot.runs.find((run) => run.key === key);
  }

  openedSources(): ByteSource[] {
    return [...this.opened];
  }

  /** Files from a picker or a drop. */
  openFiles(files: Iterable<File>): void {
    this.openSources(sourcesFromFiles(files));
  }

  /**
   * The one entry point for opening runs: browser Files or Blobs, or URLs (the share links and the demo
   * pass `{ name, size, read: "/api/bundles/…" }`). Bundles (zip or folder) and single run files both work;
   * every file that fails shows its own error and the others open anyway.
   */
  openSources(sources: ByteSource[]): void {
    this.opened.push(...sources);
    for (const job of planOpen(sources)) {
      const jobKey = `${job.name}@${++this.jobCount}`;
      if (job.kind === "rejected") {
        this.upsert({
          ...jobRow(jobKey, job.name),
          state: "error",
          progress: { bytes: 0, totalBytes: 0, samples: 0 },
          error: {
            file: job.name,
            expected: job.expected,
            found: job.found,
            message: `${job.name}: expected ${job.expected}, found ${job.found}`,
          },
        });
        continue;
      }
      this.dispatch(job, jobKey);
    }
  }

  private dispatch(job: WorkerJob, jobKey: string): void {
    const worker = this.pickWorker();
    // A placeholder row until the worker says which runs the job holds.
    this.upsert({
      ...jobRow(jobKey, job.name),
      state: "loading",
      progress: { bytes: 0, totalBytes: job.kind === "folder" ? 0 : (job.source.size ?? 0), samples: 0 },
    });
    this.owner.set(jobKey, worker);
    const message: ToWorker = { type: "open", job, jobKey };
    worker.postMessage(message);
  }

  /**
   * Starts a run worker before anything is opened, so that the first file chosen does not wait for the
   * worker's code to load (about 0.2 s: apache-arrow and the summary code are evaluated in it).
   */
  prewarm(): void {
    if (this.workers.length === 0) this.warm = this.spawn();
  }

  private spawn(): Worker {
    const worker = this.factory();
    worker.onmessage = (event: MessageEvent<FromWorker>) => this.receive(worker, event.data);
    worker.onerror = (event) => this.workerCrashed(worker, event.message || "the run worker stopped");
    this.workers.push(worker);
    return worker;
  }

  private pickWorker(): Worker {
    if (this.warm) {
      const worker = this.warm;
      this.warm = null;
      return worker;
    }
    if (this.workers.length < this.poolSize) return this.spawn();
    return this.workers[this.nextWorker++ % this.workers.length];
  }

  private workerCrashed(worker: Worker, message: string): void {
    for (const [key, owner] of this.owner) {
      if (owner !== worker) continue;
      const run = this.run(key);
      if (run && run.state === "loading")
        this.patch(key, { state: "error", error: { file: run.file, expected: "a readable run", message } });
    }
  }

  private receive(worker: Worker, message: FromWorker): void {
    switch (message.type) {
      case "discovered": {
        // The job's runs (and its problems) take the placeholder's place in the list, in order.
        const placeholder = this.run(message.jobKey);
        const source = placeholder?.source;
        const entries: RunEntry[] = [
          ...message.problems.map((problem): RunEntry => ({
            key: problem.key,
            id: problem.file,
            source: source ?? problem.file,
            file: problem.file,
            test: null,
            fields: {},
            state: "error",
            progress: { bytes: 0, totalBytes: 0, samples: 0 },
            error: problem,
          })),
          ...message.runs.map((run): RunEntry => {
            this.owner.set(run.key, worker);
            return {
              key: run.key,
              id: run.id,
              source: source ?? run.file,
              file: run.file,
              test: run.test,
              fields: run.fields,
              state: "loading",
              progress: { bytes: 0, totalBytes: run.bytes, samples: 0 },
            };
          }),
        ];
        const runs = this.snapshot.runs;
        const at = runs.findIndex((run) => run.key === message.jobKey);
        const kept = runs.filter(
          (run) => run.key !== message.jobKey && !entries.some((e) => e.key === run.key),
        );
        const position = at < 0 ? kept.length : at;
        this.setRuns([...kept.slice(0, position), ...entries, ...kept.slice(position)]);
        break;
      }
      case "progress": {
        const { bytes, totalBytes } = message.progress;
        const rate = this.timeLeft.get(message.runKey) ?? new TimeLeft();
        this.timeLeft.set(message.runKey, rate);
        rate.add(Date.now(), bytes);
        const msLeft = bytes >= totalBytes ? null : rate.estimate(totalBytes);
        this.patch(message.runKey, { progress: { ...message.progress, msLeft } });
        break;
      }
      case "cancelled":
        this.timeLeft.delete(message.runKey);
        this.patch(message.runKey, { state: "cancelled" });
        break;
      case "summary": {
        // Where a run's opening stands on the page's clock (bench/ui/profile-open.ts reads it).
        performance.mark(`run:summary ${message.runKey}`);
        this.timeLeft.delete(message.runKey);
        const run = this.run(message.runKey);
        this.patch(message.runKey, {
          state: "ready",
          digest: message.digest,
          recovered: message.recovered,
          summaryProblem: message.summaryProblem,
          fields: { ...(message.fields ?? {}), ...(run?.fields ?? {}) },
          test: run?.test ?? message.test ?? null,
          progress: run
            ? { ...run.progress, bytes: run.progress.totalBytes, samples: message.digest.count }
            : undefined,
        });
        break;
      }
      case "failed":
        this.patch(message.runKey, { state: "error", error: message.problem });
        break;
      case "events":
        this.patch(message.runKey, { events: message.events });
        break;
      case "window":
        this.windowWaits.get(message.seq)?.resolve(message.window);
        this.windowWaits.delete(message.seq);
        break;
      case "events-window":
        this.eventsWindowWaits.get(message.seq)?.resolve(message.events);
        this.eventsWindowWaits.delete(message.seq);
        break;
      case "sample-causes":
        this.causesWaits.get(message.seq)?.resolve(message.causes);
        this.causesWaits.delete(message.seq);
        break;
      case "samples":
        this.samplesWaits.get(message.seq)?.resolve(message.samples);
        this.samplesWaits.delete(message.seq);
        break;
      case "query-failed":
        for (const waits of [
          this.windowWaits,
          this.eventsWindowWaits,
          this.causesWaits,
          this.samplesWaits,
        ] as Map<number, Pending<unknown>>[]) {
          waits.get(message.seq)?.reject(new Error(message.message));
          waits.delete(message.seq);
        }
        break;
    }
  }

  /**
   * The min/max columns of a run between t0 and t1 (ns), or its raw samples when there are fewer than
   * `rawBelow`. A newer request for the same run supersedes this one, which then resolves to null.
   */
  requestWindow(
    runKey: string,
    t0: number,
    t1: number,
    columns: number,
    rawBelow = 2000,
    channel = "timeline",
  ) {
    return this.ask(this.windowWaits, runKey, channel, (seq) => ({
      type: "window",
      runKey,
      seq,
      t0,
      t1,
      columns,
      rawBelow,
    }));
  }

  /** The events track's window (lib/workspace/events-window.ts); null when the run has no kernel events. */
  requestEventsWindow(runKey: string, t0: number, t1: number, columns: number) {
    return this.ask(this.eventsWindowWaits, runKey, "events-window", (seq) => ({
      type: "events-window",
      runKey,
      seq,
      t0,
      t1,
      columns,
    }));
  }

  /** What took one sample's lost time, by kernel event and the unexplained rest. */
  requestSampleCauses(runKey: string, ts: number, durationNs: number) {
    return this.ask(this.causesWaits, runKey, "sample-causes", (seq) => ({
      type: "sample-causes",
      runKey,
      seq,
      ts,
      durationNs,
    }));
  }

  /**
   * The raw samples of a run with t0 ≤ ts < t1 (ns), for DuckDB's `samples` table, or only their exact
   * count when there are more than `cap`.
   */
  requestSamples(runKey: string, t0: number, t1: number, cap: number) {
    return this.ask(this.samplesWaits, runKey, "samples", (seq) => ({
      type: "samples",
      runKey,
      seq,
      t0,
      t1,
      cap,
    }));
  }

  /**
   * At most one request in flight per run and channel; while it runs, only the newest next request waits
   * (older waiting ones resolve to null), so the worker never works through a backlog of stale windows.
   */
  private ask<T>(
    waits: Map<number, Pending<T>>,
    runKey: string,
    channel: string,
    build: (seq: number) => ToWorker,
  ) {
    const worker = this.owner.get(runKey);
    if (!worker) return Promise.reject(new Error(`no open run ${runKey}`));
    const seq = ++this.seq;
    const slotKey = `${runKey}\u0000${channel}`;
    const slot = this.slots.get(slotKey) ?? { inFlight: null, queued: null };
    this.slots.set(slotKey, slot);
    return new Promise<T | null>((resolve, reject) => {
      const send = () => {
        slot.inFlight = seq;
        slot.cancelQueued = undefined;
        waits.set(seq, {
          seq,
          resolve: (value) => {
            slot.inFlight = null;
            const next = slot.queued;
            slot.queued = null;
            // A newer request is waiting: this answer is already stale.
            resolve(next ? null : value);
            next?.();
          },
          reject: (error) => {
            slot.inFlight = null;
            const next = slot.queued;
            slot.queued = null;
            reject(error);
            next?.();
          },
        });
        worker.postMessage(build(seq));
      };
      if (slot.inFlight === null) send();
      else {
        slot.cancelQueued?.();
        slot.queued = send;
        slot.cancelQueued = () => resolve(null);
      }
    });
  }

  /** Environment, scenario and label can be edited in the page; they override the file's own. */
  editFields(runKey: string, patch: Pick<RunFields, "environment" | "scenario" | "label">): void {
    const run = this.run(runKey);
    if (run) this.patch(runKey, { fields: { ...run.fields, ...patch } });
  }

  /**
   * Stops a run's read from its samples: its worker drops what it read and goes on with the other runs;
   * the run stays listed as cancelled until it is opened again or closed.
   */
  cancel(runKey: string): void {
    const run = this.run(runKey);
    if (run?.state !== "loading") return;
    this.owner.get(runKey)?.postMessage({ type: "cancel", runKey } satisfies ToWorker);
  }

  /** Reads a cancelled run again, from the start. */
  openAgain(runKey: string): void {
    const run = this.run(runKey);
    const worker = this.owner.get(runKey);
    if (run?.state !== "cancelled" || !worker) return;
    this.timeLeft.delete(runKey);
    this.patch(runKey, {
      state: "loading",
      progress: { ...run.progress, bytes: 0, samples: 0, msLeft: null },
    });
    worker.postMessage({ type: "reopen", runKey } satisfies ToWorker);
  }

  remove(runKey: string, tellWorker = true): void {
    this.timeLeft.delete(runKey);
    const worker = this.owner.get(runKey);
    if (tellWorker && worker) worker.postMessage({ type: "close", runKey } satisfies ToWorker);
    this.owner.delete(runKey);
    this.setRuns(this.snapshot.runs.filter((run) => run.key !== runKey));
  }

  dispose(): void {
    for (const worker of this.workers) worker.terminate();
    this.workers.length = 0;
    this.warm = null;
  }

  private upsert(entry: RunEntry): void {
    const runs = this.snapshot.runs;
    const at = runs.findIndex((run) => run.key === entry.key);
    this.setRuns(at < 0 ? [...runs, entry] : runs.map((run, i) => (i === at ? entry : run)));
  }

  private patch(key: string, patch: Partial<RunEntry>): void {
    const clean = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    this.setRuns(this.snapshot.runs.map((run) => (run.key === key ? { ...run, ...clean } : run)));
  }

  private setRuns(runs: RunEntry[]): void {
    this.snapshot = { runs: withUniqueLabels(runs) };
    if (this.notifyScheduled) return;
    this.notifyScheduled = true;
    // Progress arrives often; React hears about it at most once per task.
    queueMicrotask(() => {
      this.notifyScheduled = false;
      for (const listener of this.listeners) listener();
    });
  }
}
