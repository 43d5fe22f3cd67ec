import { Worker } from "node:worker_threads";
import type { ZipEntry } from "../format/zip-safety";
import type { StreamedSummary } from "./streamed-summary";
import { recycleWriteBuffer, type WrittenTap } from "./write-chunks";

export type ToWorker =
  | { kind: "start"; id: number; file: string; test: string | undefined }
  | { kind: "zip-entry"; id: number; zipPath: string; entry: ZipEntry; upload: string }
  | { kind: "chunk"; id: number; bytes: Uint8Array }
  | { kind: "end" | "abort"; id: number };

type FromWorker =
  | { kind: "consumed"; id: number; bytes: number }
  | { kind: "done"; id: number; summary: StreamedSummary | null }
  | { kind: "recycle"; id?: undefined; buffer: ArrayBuffer };

/** Bytes handed to the worker and not yet taken by its reader; past this the upload waits for it. */
const MAX_AHEAD = 32 << 20;

/** One run being summarized off the request's thread. */
export interface StreamedRun {
  /** Give it every byte of the run, in order (writeChunks' tap); it may make the writer wait. */
  tap: WrittenTap;
  /** All bytes were given. */
  end(): void;
  /** The run is not needed (the upload failed, or its blob is stored already). */
  abort(): void;
  /** The summary, or null when the bundle check must read the run from disk. */
  result: Promise<StreamedSummary | null>;
}

interface Session {
  worker: Worker;
  ahead: number;
  drained: (() => void) | null;
  settle(summary: StreamedSummary | null): void;
}

let current: Worker | null = null;
let nextId = 1;
const sessions = new Map<number, Session>();

function spawn(): Worker {
  // Next.js bundles the worker for the server (Turbopack follows `new Worker(new URL(...))`). Run
  // unbundled (vitest, tsx), the TypeScript file is loaded through tsx.
  if (process.env.NEXT_RUNTIME) return new Worker(new URL("./summary-worker.ts", import.meta.url));
  const entry = new URL("./summary-worker.ts", import.meta.url).href;
  const code = `import("tsx/esm/api").then((tsx) => tsx.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)}));`;
  return new Worker(code, { eval: true });
}

/** One worker per process, started on first use and again after a failure. */
function worker(): Worker {
  if (current) return current;
  const started = spawn();
  started.unref();
  const fail = () => {
    if (current === started) current = null;
    for (const session of [...sessions.values()]) if (session.worker === started) session.settle(null);
  };
  started.on("error", fail);
  started.on("exit", fail);
  started.on("message", (message: FromWorker) => {
    if (message.kind === "recycle") return recycleWriteBuffer(message.buffer);
    const session = sessions.get(message.id);
    if (!session) return;
    if (message.kind === "done") session.settle(message.summary);
    else {
      session.ahead -= message.bytes;
      if (session.ahead <= MAX_AHEAD / 2) session.drained?.();
    }
  });
  current = started;
  return started;
}

/** Starts a job on the worker: its messages are posted only while the job is not settled. */
function startJob(start: (id: number) => ToWorker): StreamedRun {
  const id = nextId++;
  let resolve!: (summary: StreamedSummary | null) => void;
  const result = new Promise<StreamedSummary | null>((r) => (resolve = r));
  let target: Worker;
  try {
    target = worker();
  } catch {
    resolve(null);
    return { tap: () => {}, end: () => {}, abort: () => {}, result };
  }
  let settled = false;
  const session: Session = {
    worker: target,
    ahead: 0,
    drained: null,
    settle(summary) {
      if (settled) return;
      settled = true;
      sessions.delete(id);
      session.drained?.();
      resolve(summary);
    },
  };
  sessions.set(id, session);
  const post = (message: ToWorker, transfer: ArrayBuffer[] = []) => {
    if (!settled) target.postMessage(message, transfer);
  };
  post(start(id));
  return {
    async tap(bytes) {
      if (settled) return;
      session.ahead += bytes.byteLength;
      try {
        post({ kind: "chunk", id, bytes }, [bytes.buffer as ArrayBuffer]);
      } catch {
        post({ kind: "chunk", id, bytes: bytes.slice() }); // memory that cannot be transferred
      }
      if (session.ahead > MAX_AHEAD && !settled)
        await new Promise<void>((r) => (session.drained = r)).finally(() => (session.drained = null));
    },
    end: () => post({ kind: "end", id }),
    abort() {
      post({ kind: "abort", id });
      session.settle(null);
    },
    result,
  };
}

/**
 * Starts checking and summarizing a run on the worker thread while its bytes arrive (the request's
 * thread receives, hashes and writes; the other core reads and summarizes).
 */
export function streamRunSummary(file: string, test: string | undefined): StreamedRun {
  return startJob((id) => ({ kind: "start", id, file, test }));
}

/**
 * Starts checking and summarizing a run in a zip on disk on the worker thread, which reads the entry
 * itself while the request's thread unpacks the archive. Only `abort` and `result` are of use.
 */
export function summarizeZipEntry(zipPath: string, entry: ZipEntry, upload: string): StreamedRun {
  return startJob((id) => ({ kind: "zip-entry", id, zipPath, entry, upload }));
}
