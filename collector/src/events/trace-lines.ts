/**
 * One line of tracefs' text output (`per_cpu/cpuN/trace_pipe`), e.g.
 * `  node-4596    [001] d.h2. 10067722426647: local_timer_entry: vector=236`. With a counter trace
 * clock (x86-tsc) the timestamp is the raw count; with a nanosecond clock it is `seconds.micros`.
 */
export interface TraceLine {
  comm: string;
  pid: number;
  cpu: number;
  /** The trace clock's reading: counts for x86-tsc, nanoseconds for the nanosecond clocks. */
  ts: number;
  event: string;
  fields: string;
}

const LINE = /^\s*(.*)-(\d+)\s+\[(\d+)\]\s+\S*\s*(\d+)(?:\.(\d+))?:\s+(\w+):\s?(.*)$/;
const LOST = /\[LOST (\d+) EVENTS\]/;

/** A parsed event, the count of a `[LOST n EVENTS]` marker, or null for a header or blank line. */
export function parseTraceLine(line: string): TraceLine | { lost: number } | null {
  const lost = LOST.exec(line);
  if (lost) return { lost: Number(lost[1]) };
  const m = LINE.exec(line);
  if (!m) return null;
  const ts = m[5] === undefined ? Number(m[4]) : Number(m[4]) * 1e9 + Number(m[5].padEnd(9, "0").slice(0, 9));
  return { comm: m[1], pid: Number(m[2]), cpu: Number(m[3]), ts, event: m[6], fields: m[7] };
}

/** Splits a stream of text chunks into whole lines, keeping a partial last line for the next chunk. */
export class LineSplitter {
  private rest = "";
  push(chunk: string, onLine: (line: string) => void): void {
    const text = this.rest + chunk;
    let start = 0;
    for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", start)) {
      onLine(text.slice(start, nl));
      start = nl + 1;
    }
    this.rest = text.slice(start);
  }
  flush(onLine: (line: string) => void): void {
    if (this.rest) onLine(this.rest);
    this.rest = "";
  }
}
