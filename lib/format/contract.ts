/** Names and limits fixed by docs/bundle-format.md, version 1. */

export const BUNDLE_FORMAT = "latency-bundle";
export const BUNDLE_VERSION = 1;
export const MANIFEST_FILE = "manifest.json";

export const MAX_BATCH_ROWS = 1_048_576;

export const COLUMN = {
  ts: "ts_ns",
  duration: "duration_ns",
  thread: "thread",
  cpu: "cpu",
  bucket: "bucket_ns",
  count: "count",
} as const;

export const META = {
  test: "latency:test",
  run: "latency:run",
  kind: "latency:kind",
} as const;

export const SAMPLE_TESTS = ["tick", "switch"] as const;
export type SampleTest = (typeof SAMPLE_TESTS)[number];

export const PAPER_ENVIRONMENTS = ["bare-machine", "emulated", "enlightened"] as const;

export const PAPER_SCENARIOS = [
  "one-to-all",
  "one-to-one",
  "cpu-load",
  "memory-load",
  "all-cpu-load",
  "all-memory-load",
  "two-to-all-memory-load",
] as const;
