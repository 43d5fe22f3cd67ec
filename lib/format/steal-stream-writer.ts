/**
 * The steal table written while the run goes on (docs/bundle-format.md, "Kernel events and steal time"):
 * the magic, the schema, then a record batch per call, so a crash keeps every whole batch. Its metadata
 * is rewritten in place at the end and repeated by the footer, as for the events file.
 */
import { Int32, Int64, makeData } from "apache-arrow";
import { MAX_BATCH_ROWS } from "./contract";
import type { EventsMeta } from "./events-contract";
import { StreamedArrowFile, type RewritableSink } from "./events-stream-writer";
import { stealSchema, type StealColumns } from "./events-writer";

export class StealStreamWriter {
  private readonly file: StreamedArrowFile;
  private rowCount = 0;
  private lastSecond = -1;

  constructor(sink: RewritableSink, meta: EventsMeta) {
    this.file = new StreamedArrowFile(sink, stealSchema, meta, "steal");
  }

  get rows(): number {
    return this.rowCount;
  }

  /** Appends the rows as a record batch (of at most MAX_BATCH_ROWS; seconds increasing across calls); nothing for no rows. */
  write(rows: StealColumns): void {
    const n = rows.second.length;
    if (rows.steal.length !== n)
      throw new RangeError(`steal columns have ${n} and ${rows.steal.length} rows`);
    if (n === 0) return;
    for (let i = 0; i < n; i++) {
      if (rows.second[i] <= this.lastSecond)
        throw new RangeError(`steal second ${rows.second[i]} comes after ${this.lastSecond}`);
      this.lastSecond = rows.second[i];
    }
    for (let start = 0; start < n; start += MAX_BATCH_ROWS) {
      const length = Math.min(n - start, MAX_BATCH_ROWS);
      this.file.write(length, [
        makeData({
          type: new Int32(),
          length,
          nullCount: 0,
          data: rows.second.subarray(start, start + length),
        }),
        makeData({
          type: new Int64(),
          length,
          nullCount: 0,
          data: rows.steal.subarray(start, start + length),
        }),
      ]);
    }
    this.rowCount += n;
  }

  /** The final metadata in place of the start's, then the footer. */
  finish(meta: EventsMeta): void {
    this.file.finish(meta);
  }
}
