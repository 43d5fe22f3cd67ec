import { describe, expect, it } from "vitest";
import { idleAfter, settledQueue, startWhenSettled, whenQuietUnlessOpening } from "./deferred-start";

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

describe("settledQueue", () => {
  it("holds work until the page is idle and no run is opening, then runs it all in order", () => {
    const runs = fakeRuns();
    const idle = fakeIdle();
    const done: string[] = [];
    const queue = settledQueue(runs, idle.whenIdle);
    runs.set(["loading", "ready"]);
    queue.add(() => done.push("a"));
    idle.drain();
    expect(done).toEqual([]);
    queue.add(() => done.push("b"));
    runs.set(["ready", "ready"]);
    expect(done).toEqual([]);
    idle.drain();
    expect(done).toEqual(["a", "b"]);
    idle.drain();
    expect(done).toEqual(["a", "b"]);
  });

  it("given work while settled, still waits for the next idle moment", () => {
    const runs = fakeRuns();
    const idle = fakeIdle();
    const done: string[] = [];
    const queue = settledQueue(runs, idle.whenIdle);
    runs.set(["ready"]);
    queue.add(() => done.push("a"));
    expect(done).toEqual([]);
    idle.drain();
    expect(done).toEqual(["a"]);
  });

  it("a run that starts opening while the idle wait is pending puts the work off until it has opened", () => {
    const runs = fakeRuns();
    const idle = fakeIdle();
    const done: string[] = [];
    const queue = settledQueue(runs, idle.whenIdle);
    queue.add(() => done.push("a"));
    runs.set(["loading"]);
    idle.drain();
    expect(done).toEqual([]);
    runs.set(["ready"]);
    idle.drain();
    expect(done).toEqual(["a"]);
  });

  it("drops what it holds when stopped", () => {
    const runs = fakeRuns();
    const idle = fakeIdle();
    const done: string[] = [];
    const queue = settledQueue(runs, idle.whenIdle);
    queue.add(() => done.push("a"));
    queue.stop();
    idle.drain();
    runs.set(["ready"]);
    idle.drain();
    expect(done).toEqual([]);
  });
});

/** Timers the test fires by hand. */
function fakeTimers() {
  const due = new Map<number, () => void>();
  let next = 0;
  return {
    set(work: () => void) {
      due.set(++next, work);
      return next;
    },
    clear(id: unknown) {
      due.delete(id as number);
    },
    fire() {
      for (const [id, work] of [...due]) {
        due.delete(id);
        work();
      }
    },
    get pending() {
      return due.size;
    },
  };
}

describe("startWhenSettled with a first wait (DuckDB's start on a fresh page)", () => {
  it("before any run, waits for the timer and then the idle moment", () => {
    const runs = fakeRuns();
    const idle = fakeIdle();
    const timers = fakeTimers();
    let started = 0;
    startWhenSettled(runs, idle.whenIdle, () => started++, idleAfter(1000, idle.whenIdle, timers));
    idle.drain();
    expect(started).toBe(0);
    timers.fire();
    expect(started).toBe(0);
    idle.drain();
    expect(started).toBe(1);
  });

  it("a file chosen during the wait opens with no start beside it; the start follows at the next idle moment", () => {
    const runs = fakeRuns();
    const idle = fakeIdle();
    const timers = fakeTimers();
    let started = 0;
    startWhenSettled(runs, idle.whenIdle, () => started++, idleAfter(1000, idle.whenIdle, timers));
    idle.drain();
    runs.set(["loading"]);
    expect(timers.pending).toBe(0);
    timers.fire();
    idle.drain();
    expect(started).toBe(0);
    runs.set(["ready"]);
    // Once a run has been seen, no timer: the next idle moment.
    expect(timers.pending).toBe(0);
    idle.drain();
    expect(started).toBe(1);
  });
});

describe("whenQuietUnlessOpening (the charts' warm-up)", () => {
  it("on a quiet page, runs once the quiet wait is over, and only once", () => {
    const runs = fakeRuns();
    const quiet = fakeIdle();
    let warmed = 0;
    whenQuietUnlessOpening(runs, quiet.whenIdle, () => warmed++);
    expect(warmed).toBe(0);
    quiet.drain();
    expect(warmed).toBe(1);
    runs.set(["loading"]);
    quiet.drain();
    expect(warmed).toBe(1);
  });

  it("a file chosen before the page was quiet: never runs (the run's own chart warms the code)", () => {
    const runs = fakeRuns();
    const quiet = fakeIdle();
    let warmed = 0;
    whenQuietUnlessOpening(runs, quiet.whenIdle, () => warmed++);
    runs.set(["loading"]);
    quiet.drain();
    runs.set([]);
    quiet.drain();
    expect(warmed).toBe(0);
  });

  it("never runs on a page that already has runs, nor once stopped", () => {
    const runs = fakeRuns();
    const quiet = fakeIdle();
    let warmed = 0;
    runs.set(["ready"]);
    whenQuietUnlessOpening(runs, quiet.whenIdle, () => warmed++);
    quiet.drain();
    runs.set([]);
    const stop = whenQuietUnlessOpening(runs, quiet.whenIdle, () => warmed++);
    stop();
    quiet.drain();
    expect(warmed).toBe(0);
  });
});
