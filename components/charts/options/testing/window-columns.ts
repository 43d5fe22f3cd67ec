import type { WindowColumns } from "@/lib/workspace/types";

/** An ECharts option read freely in assertions. */
export type AnyOption = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Four 1 µs columns over [0, 4000) ns, 31 samples: the second holds a 7.19 µs sample starting at 1500 ns,
 * the third is empty.
 */
export function fourColumns(overrides: Partial<WindowColumns> = {}): WindowColumns {
  return {
    t0: 0,
    t1: 4000,
    start: Float64Array.from([0, 1000, 2000, 3000]),
    min: Float64Array.from([68, 68, 0, 70]),
    max: Float64Array.from([76, 7190, 0, 80]),
    minTs: Float64Array.from([10, 1100, 0, 3010]),
    maxTs: Float64Array.from([500, 1500, 0, 3900]),
    count: Float64Array.from([10, 12, 0, 9]),
    raw: null,
    source: "pyramid",
    samples: 31,
    ...overrides,
  };
}
