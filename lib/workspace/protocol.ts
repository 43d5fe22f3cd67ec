import type { ByteSource } from "./sources";
import type { FormatProblem } from "../format/errors";
import type { RunFields } from "../format/manifest";
import type {
  EventsWindow,
  Progress,
  RunDigest,
  RunEventsState,
  SampleCauses,
  WindowColumns,
  WindowSamples,
} from "./types";

/** Messages between the page and a run worker (lib/workspace/run.worker.ts). */
export type WorkerJob =
  | { kind: "run"; name: string; source: ByteSource }
  | { kind: "zip"; name: string; source: ByteSource }
  | { kind: "folder"; name: string; files: ByteSource[] };

export type ToWorker =
  | { type: "open"; job: WorkerJob; jobKey: string }
  | { type: "window"; runKey: string; seq: number; t0: number; t1: number; columns: number; rawBelow: number }
  | { type: "samples"; runKey: string; seq: number; t0: number; t1: number; cap: number }
  | { type: "close"; runKey: string }
  // Kernel events (issue #11): the events track's window, and one sample's causes.
  | { type: "events-window"; runKey: string; seq: number; t0: number; t1: number; columns: number }
  | { type: "sample-causes"; runKey: string; seq: number; ts: number; durationNs: number }
  // Issue #12: stop a run's read from its samples (it can be read again from the start).
  | { type: "cancel"; runKey: string }
  | { type: "reopen"; runKey: string };

export interface DiscoveredRun {
  key: string;
  id: string;
  file: string;
  test: string | null;
  fields: RunFields;
  bytes: number;
}

export type SerializedProblem = FormatProblem & { message: string };

export type FromWorker =
  | {
      type: "discovered";
      jobKey: string;
      runs: DiscoveredRun[];
      problems: (SerializedProblem & { key: string })[];
    }
  | { type: "progress"; runKey: string; progress: Progress }
  | {
      type: "summary";
      runKey: string;
      digest: RunDigest;
      fields?: RunFields;
      test?: string | null;
      /** A run file without its footer, read up to its last whole batch (lib/format/recovery.ts). */
      recovered?: string;
      /** Why the run's saved summary could not be used: the digest comes from its samples instead. */
      summaryProblem?: string;
    }
  | { type: "failed"; runKey: string; problem: SerializedProblem }
  | { type: "events"; runKey: string; events: RunEventsState }
  | { type: "window"; runKey: string; seq: number; window: WindowColumns }
  | { type: "events-window"; runKey: string; seq: number; events: EventsWindow | null }
  | { type: "sample-causes"; runKey: string; seq: number; causes: SampleCauses }
  | { type: "samples"; runKey: string; seq: number; samples: WindowSamples }
  | { type: "query-failed"; runKey: string; seq: number; message: string }
  // Issue #12: the run's read was cancelled; the worker keeps nothing of it but how to read it again.
  | { type: "cancelled"; runKey: string };
