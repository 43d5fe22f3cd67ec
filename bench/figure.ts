/** One measured figure: the median of several runs, beside the naive way when there is one. */
export interface Figure {
  name: string;
  median: number;
  unit: string;
  runs: number;
  /** The target from the issue, e.g. "≤ 2000"; printed, and checked when `limit` is set. */
  target?: string;
  /** Largest acceptable median; a figure above it is reported as missed. */
  limit?: number;
  naive?: { name: string; median: number };
  note?: string;
}

export type Suite = () => Promise<Figure[]>;

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Times `fn` `runs` times (after one warm-up unless told otherwise) and returns the median in ms. */
export async function timeMedian(fn: () => unknown, runs = 5, warmup = 1): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return median(times);
}
