import type { BatchIndexEntry } from "../types";

/** A 24 h streamed run's index: 660k batches of ~1,800 samples, every 1,000th without samples. */
export function longRunEntries(n: number): BatchIndexEntry[] {
  const entries: BatchIndexEntry[] = [];
  let row = 0;
  let offset = 4096;
  for (let i = 0; i < n; i++) {
    const rows = i % 1000 === 999 ? 0 : 1800 + (i % 7);
    const tsFirst = rows ? 1e9 + i * 130_900_000 + (i % 13) : NaN;
    entries.push({
      index: i,
      firstRow: row,
      rows,
      tsFirst,
      tsLast: rows ? tsFirst + 130_000_000 : NaN,
      byteOffset: offset,
      byteLength: 21_800,
    });
    row += rows;
    offset += 21_800;
  }
  return entries;
}

/** What `batchesCovering` did before the columns: every entry looked at. */
export const coveringByFilter = (entries: BatchIndexEntry[], t0: number, t1: number) =>
  entries.filter((b) => b.rows > 0 && b.tsLast >= t0 && b.tsFirst < t1);
