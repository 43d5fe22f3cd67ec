import { describe, expect, it } from "vitest";
import { startWhenSettled } from "./deferred-start";

function fakeRuns() {
  let runs: { state: string }[] = [];
  const listeners = new Set<() => void>();
  return {
    getSnapshot: () => ({ runs }),
    subscribe(listener: () => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    set(next: string[]) {
      runs = next.map((state) => ({ state }));
      for (const listener of [...listeners]) listener();
    },
  };
}

/** An idle queue the test drains by hand, like requestIdleCallback when the page goes idle. */
function fakeIdle() {
  const queue = new Set<() => void>();
  return {
    whenIdle(work: () => void) {
      queue.add(work);
      return () => queue.delete(work);
    },
    drain() {
      for (const work of [...queue]) {
        queue.delete(work);
        work();
      }
    },
  };
}

describe("startWhenSettled", () => {
  it("starts once the page is idle when no run is opening", () => {
    const runs = fakeRuns();
    const idle = fakeIdle();
    let started = 0;
    startWhenSettled(runs, idle.whenIdle, () => started++);
    expect(started).toBe(0);
    idle.drain();
    expect(started).toBe(1);
    runs.set(["loading"]);
    runs.set(["ready"]);
    idle.drain();
    expect(started).toBe(1);
  });

  it("waits while a run opens, even if the page went idle meanwhile, and starts once it has opened", () => {
    const runs = fakeRuns();
    const idle = fakeIdle();
    let started = 0;
    startWhenSettled(runs, idle.whenIdle, () => started++);
    runs.set(["loading"]);
    idle.drain();
    expect(started).toBe(0);
    runs.set(["loading", "ready"]);
    idle.drain();
    expect(started).toBe(0);
    runs.set(["error", "ready"]);
    expect(started).toBe(0);
    idle.drain();
    expect(started).toBe(1);
  });

  it("gives up when the page goes away before it started", () => {
    const runs = fakeRuns();
    const idle = fakeIdle();
    let started = 0;
    const stop = startWhenSettled(runs, idle.whenIdle, () => started++);
    stop();
    idle.drain();
    runs.set(["ready"]);
    idle.drain();
    expect(started).toBe(0);
  });
});
