import { closeSync, openSync, writeSync } from "node:fs";
import { COLUMN, MAX_BATCH_ROWS } from "../../../lib/format/contract";
import type { RunFields } from "../../../lib/format/manifest";
import { RunFileWriter } from "../../../lib/format/run-writer";
import type { HistogramBucket, SampleSink } from "./types";

/** A sample run streamed to an Arrow file, one record batch per MAX_BATCH_ROWS rows. */
export class SampleRunFile implements SampleSink {
  private readonly fd: number;
  private readonly writer: RunFileWriter;
  private ts = new BigInt64Array(MAX_BATCH_ROWS);
  private duration = new BigInt64Array(MAX_BATCH_ROWS);
  private filled = 0;
  private total = 0;

  constructor(path: string, test: string, run: RunFields) {
    this.fd = openSync(path, "w");
    this.writer = new RunFileWriter((chunk) => writeSync(this.fd, chunk), { test, run });
  }

  get rows(): number {
    return this.total;
  }

  push(tsNs: number, durationNs: number): void {
    this.ts[this.filled] = BigInt(Math.round(tsNs));
    this.duration[this.filled] = BigInt(Math.round(durationNs));
    this.total++;
    if (++this.filled === MAX_BATCH_ROWS) this.flush();
  }

  private flush(): void {
    if (!this.filled) return;
    this.writer.writeColumns({
      [COLUMN.ts]: this.ts.subarray(0, this.filled),
      [COLUMN.duration]: this.duration.subarray(0, this.filled),
    });
    this.ts = new BigInt64Array(MAX_BATCH_ROWS);
    this.duration = new BigInt64Array(MAX_BATCH_ROWS);
    this.filled = 0;
  }

  /** Closes without finishing (the import failed; the file is thrown away). */
  close(): void {
    closeSync(this.fd);
  }

  finish(): void {
    this.flush();
    this.writer.finish({ [COLUMN.ts]: new BigInt64Array(0), [COLUMN.duration]: new BigInt64Array(0) });
    closeSync(this.fd);
  }
}

/** A histogram run (docs/bundle-format.md, "A histogram run"): bucket_ns and count, int64. */
export function writeHistogramRun(
  path: string,
  test: string,
  run: RunFields,
  buckets: HistogramBucket[],
): void {
  const fd = openSync(path, "w");
  try {
    const writer = new RunFileWriter((chunk) => writeSync(fd, chunk), { kind: "histogram", test, run });
    writer.writeColumns({
      [COLUMN.bucket]: BigInt64Array.from(buckets, (b) => BigInt(Math.round(b.bucketNs))),
      [COLUMN.count]: BigInt64Array.from(buckets, (b) => BigInt(b.count)),
    });
    writer.finish();
  } finally {
    closeSync(fd);
  }
}
