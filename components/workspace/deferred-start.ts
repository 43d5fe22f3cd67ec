interface RunsSource {
  getSnapshot(): { runs: readonly { state: string }[] };
  subscribe(listener: () => void): () => void;
}

/**
 * Calls `start` once, when the page is idle and no run is opening: on a small machine DuckDB's start-up
 * (seconds of compiling and initialising) would otherwise compete with a run's first overview. A run
 * that starts opening while the idle wait is pending puts it off until every run has opened.
 * Returns a function that gives up waiting.
 */
export function startWhenSettled(
  runs: RunsSource,
  whenIdle: (work: () => void) => () => void,
  start: () => void,
): () => void {
  const queue = settledQueue(runs, whenIdle);
  queue.add(start);
  return queue.stop;
}

/**
 * Holds work (a run's DuckDB rows, say) until the page is idle and no run is opening, then runs everything
 * held, in the order given: on a small machine, building and inserting a run's tables as its summary
 * arrives would compete with drawing its overview. Work given while the page is settled still waits for
 * the next idle moment (the overview of the run that just turned ready is drawn first).
 */
export function settledQueue(
  runs: RunsSource,
  whenIdle: (work: () => void) => () => void,
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
