interface RunsSource {
  getSnapshot(): { runs: readonly { state: string }[] };
  subscribe(listener: () => void): () => void;
}

type WhenIdle = (work: () => void) => () => void;

/**
 * Calls `start` once, when the page is idle and no run is opening: on a small machine DuckDB's start-up
 * (seconds of compiling and initialising) would otherwise compete with a run's first overview. A run
 * that starts opening while the idle wait is pending puts it off until every run has opened. Before any
 * run has been seen, `firstWait` says when (by default the same idle wait): the page goes idle as soon as
 * it is drawn, before a file chosen right away has arrived, and a start already under way cannot be
 * stopped. Returns a function that gives up waiting.
 */
export function startWhenSettled(
  runs: RunsSource,
  whenIdle: WhenIdle,
  start: () => void,
  firstWait: WhenIdle = whenIdle,
): () => void {
  let seenRun = false;
  const wait: WhenIdle = (work) => {
    seenRun ||= runs.getSnapshot().runs.length > 0;
    return seenRun ? whenIdle(work) : firstWait(work);
  };
  const queue = settledQueue(runs, wait);
  queue.add(start);
  return queue.stop;
}

/** `whenIdle`, once `ms` have passed (`timer` is setTimeout's pair, replaceable in tests). */
export function idleAfter(
  ms: number,
  whenIdle: WhenIdle,
  timer: { set(work: () => void, ms: number): unknown; clear(id: unknown): void } = {
    set: (work, delay) => setTimeout(work, delay),
    clear: (id) => clearTimeout(id as ReturnType<typeof setTimeout>),
  },
): WhenIdle {
  return (work) => {
    let cancelIdle: (() => void) | null = null;
    const id = timer.set(() => {
      cancelIdle = whenIdle(work);
    }, ms);
    return () => {
      timer.clear(id);
      cancelIdle?.();
    };
  };
}

/**
 * Holds work (a run's DuckDB rows, say) until the page is idle and no run is opening, then runs everything
 * held, in the order given: on a small machine, building and inserting a run's tables as its summary
 * arrives would compete with drawing its overview. Work given while the page is settled still waits for
 * the next idle moment (the overview of the run that just turned ready is drawn first).
 */
export function settledQueue(
  runs: RunsSource,
  whenIdle: WhenIdle,
): { add(work: () => void): void; stop(): void } {
  const held: (() => void)[] = [];
  let pending: (() => void) | null = null;
  const opening = () => runs.getSnapshot().runs.some((run) => run.state === "loading");
  const consider = () => {
    if (!held.length) return;
    if (opening()) {
      pending?.();
      pending = null;
    } else if (!pending) {
      pending = whenIdle(() => {
        pending = null;
        if (opening()) return;
        for (const work of held.splice(0)) work();
      });
    }
  };
  const unsubscribe = runs.subscribe(consider);
  return {
    add(work) {
      held.push(work);
      consider();
    },
    stop() {
      unsubscribe();
      pending?.();
      pending = null;
      held.length = 0;
    },
  };
}

/**
 * Calls `work` once `quietWait` says the page has been quiet, unless a run starts opening first: then
 * never (the charts' warm-up: that run's own chart, drawn as it starts opening, runs the same code first).
 * Done at the page's first idle moment instead, as soon as it was hydrated, the warm-up (~0.1 s in one
 * task on 2 cores) was what a file chosen at that moment met: its change event waited for it; done as
 * the run opened, it competed with the read for the 2 cores (bench/ui/profile-page-open.ts). Returns a
 * function that gives up waiting.
 */
export function whenQuietUnlessOpening(runs: RunsSource, quietWait: WhenIdle, work: () => void): () => void {
  let cancelQuiet: (() => void) | null = null;
  const unsubscribe = runs.subscribe(() => {
    if (runs.getSnapshot().runs.length > 0) stop();
  });
  const stop = () => {
    unsubscribe();
    cancelQuiet?.();
    cancelQuiet = null;
  };
  if (runs.getSnapshot().runs.length > 0) {
    stop();
    return stop;
  }
  cancelQuiet = quietWait(() => {
    stop();
    work();
  });
  return stop;
}

/** Runs idle work once the page has drawn (never on the first overview's path). */
export function whenIdle(work: () => void): () => void {
  if (typeof window.requestIdleCallback === "function") {
    const id = window.requestIdleCallback(work, { timeout: 3000 });
    return () => window.cancelIdleCallback(id);
  }
  const id = window.setTimeout(work, 200);
  return () => window.clearTimeout(id);
}
