import { UsageError } from "./command";
import { parseInteger } from "./options";

/** One test of a collect command: tick, or switch with a thread count. */
export interface PlannedTest {
  test: "tick" | "switch";
  threads?: number;
}

export const MAX_THREADS = 10000;

/** The study's set: the clock tick, and thread switches at 2 and at 1000 threads. */
export const DEFAULT_MATRIX: PlannedTest[] = [
  { test: "tick" },
  { test: "switch", threads: 2 },
  { test: "switch", threads: 1000 },
];

/** "tick,switch:2,switch:1000" */
export function parseMatrix(text: string): PlannedTest[] {
  const tests = text.split(",").map((item) => {
    const [test, threads, extra] = item.trim().split(":");
    if (test === "tick" && threads === undefined) return { test } as PlannedTest;
    if (test === "switch" && threads !== undefined && extra === undefined)
      return {
        test,
        threads: parseInteger(threads, "--tests switch:N", 2, MAX_THREADS, "a thread count"),
      } as PlannedTest;
    throw new UsageError(`--tests: expected a list such as tick,switch:2,switch:1000, found "${item}"`);
  });
  if (!tests.length) throw new UsageError("--tests: expected at least one test");
  return tests;
}

export function testId(t: PlannedTest): string {
  return t.test === "switch" ? `switch-${t.threads}` : "tick";
}

export function testLabel(t: PlannedTest): string {
  return t.test === "switch" ? `thread switch, ${t.threads} threads` : "clock tick";
}
