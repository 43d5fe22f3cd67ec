import type { RunFields } from "../../../lib/format/manifest";

/** What an importer hands on: runs as columns (histograms are small; samples stream through a sink). */
export interface ImportContext {
  /** The input file's path, named in every error. */
  file: string;
  /** Opens a sample run file; the importer pushes rows into it and finishes it. */
  openSampleRun(suffix: string, test: string, run: RunFields): SampleSink;
  addHistogramRun(suffix: string, test: string, run: RunFields, buckets: HistogramBucket[]): void;
}

export interface SampleSink {
  /** Nanoseconds since the run started (non-decreasing) and the sample's duration in nanoseconds. */
  push(tsNs: number, durationNs: number): void;
  readonly rows: number;
}

export interface HistogramBucket {
  bucketNs: number;
  count: number;
}

export interface Importer {
  name: string;
  /** Reads the file (its first bytes are given to guess from) and adds its runs. */
  sniff(head: string, fileName: string): boolean;
  import(ctx: ImportContext): Promise<void>;
}

export const IMPORT_FORMATS = ["cyclictest", "oslat", "jitterdebugger", "sysjitter", "csv"] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];
