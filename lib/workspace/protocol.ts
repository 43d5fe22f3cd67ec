import type { ByteSource } from "./sources";
import type { FormatProblem } from "../format/errors";
import type { RunFields } from "../format/manifest";
import type {
  HeatmapCells,
  Progress,
  RunDigest,
  RunEventsState,
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
  | { type: "heatmap"; runKey: string; seq: number; periodNs: number; rows: number }
  | { type: "samples"; runKey: string; seq: number; t0: number; t1: number; cap: number }
  | { type: "close"; runKey: string };

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
  | { type: "heatmap"; runKey: string; seq: number; heatmap: HeatmapCells }
  | { type: "samples"; runKey: string; seq: number; samples: WindowSamples }
  | { type: "query-failed"; runKey: string; seq: number; message: string };
