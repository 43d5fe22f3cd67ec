import { describe, expect, it } from "vitest";
import { QuerySlot } from "./query-slot";
import type { RunningQuery, RunOutcome } from "./run-sql";

/** A query that answers only when told, as DuckDB would: "cancelled" once cancelled, else its result. */
function fakeEngine() {
  const log: string[] = [];
  const pending = new Map<string, (outcome: RunOutcome) => void>();
  const start = (sql: string): RunningQuery => {
    log.push(`start ${sql}`);
    let settle!: (outcome: RunOutcome) => void;
    const outcome = new Promise<RunOutcome>((resolve) => (settle = resolve));
    pending.set(sql, settle);
    return {
      outcome,
      async cancel() {
        log.push(`cancel ${sql}`);
        settle({ state: "cancelled", ms: 1 });
      },
    };
  };
  const answer = (sql: string) =>
    pending.get(sql)!({
      state: "done",
      ms: 1,
      result: { columns: [{ name: sql }], batches: [], shown: 0, total: 0 } as never,
    });
  return { log, start, answer };
}

describe("QuerySlot", () => {
  it("a new query cancels the running one, starts only after it stopped, and the old result is never shown", async () => {
    const engine = fakeEngine();
    const slot = new QuerySlot(engine.start);
    const first = slot.run("slow");
    await Promise.resolve();
    const second = slot.run("fast");
    expect(await first).toBeNull();
    await new Promise((r) => setTimeout(r, 0));
    expect(engine.log).toEqual(["start slow", "cancel slow", "start fast"]);
    engine.answer("fast");
    expect(await second).toMatchObject({ state: "done", result: { columns: [{ name: "fast" }] } });
  });

  it("of queries asked while one was stopping, only the last one runs", async () => {
    const engine = fakeEngine();
    const slot = new QuerySlot(engine.start);
    const first = slot.run("a");
    await Promise.resolve();
    const second = slot.run("b");
    const third = slot.run("c");
    expect(await first).toBeNull();
    expect(await second).toBeNull();
    await new Promise((r) => setTimeout(r, 0));
    expect(engine.log.filter((line) => line.startsWith("start"))).toEqual(["start a", "start c"]);
    engine.answer("c");
    expect(await third).toMatchObject({ state: "done" });
  });

  it("Cancel ends the running query as cancelled, and the next one runs normally", async () => {
    const engine = fakeEngine();
    const slot = new QuerySlot(engine.start);
    const first = slot.run("a");
    await Promise.resolve();
    await slot.cancel();
    expect(await first).toEqual({ state: "cancelled", ms: 1 });
    const second = slot.run("b");
    await new Promise((r) => setTimeout(r, 0));
    engine.answer("b");
    expect(await second).toMatchObject({ state: "done" });
  });
});
