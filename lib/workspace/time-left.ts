/**
 * How long a run's read from its samples still takes: the bytes left at the rate of the last few seconds
 * (a read slows down or speeds up as other runs and the disk compete for it), once the read has gone on
 * long enough for a rate to mean something.
 */
const WINDOW_MS = 5_000;
/** No estimate before this much of the read has been seen. */
const MIN_MS = 1_000;

export class TimeLeft {
  private readonly points: { at: number; bytes: number }[] = [];

  /** Notes that `bytes` of the file have been read at time `at` (ms). */
  add(at: number, bytes: number): void {
    const last = this.points.at(-1);
    if (last && (at < last.at || bytes < last.bytes)) this.points.length = 0;
    this.points.push({ at, bytes });
    // Keep one point at or before the window's start, so that the rate covers the whole window.
    while (this.points.length > 2 && this.points[1].at <= at - WINDOW_MS) this.points.shift();
  }

  /** The ms left to read `totalBytes`, or null while there is no rate yet (or nothing moves). */
  estimate(totalBytes: number): number | null {
    const first = this.points[0];
    const last = this.points.at(-1);
    if (!first || !last || last.at - first.at < MIN_MS) return null;
    const rate = (last.bytes - first.bytes) / (last.at - first.at);
    if (!(rate > 0)) return null;
    return Math.max(0, totalBytes - last.bytes) / rate;
  }
}

/** "about 2 min 10 s left", "about 40 s left", "less than 1 s left". */
export function formatTimeLeft(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 1) return "less than 1 s left";
  if (s < 60) return `about ${s} s left`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return `about ${minutes} min ${s % 60} s left`;
  return `about ${Math.floor(minutes / 60)} h ${minutes % 60} min left`;
}
