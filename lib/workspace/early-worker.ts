import type { WorkerFactory } from "./workspace";

/**
 * A run worker started as the page's code loads, before React has hydrated it, for the workspace to take.
 * Its code (apache-arrow, the summary) and its read worker's take ~0.2 s to load and evaluate on 2 cores;
 * started then, they load beside the hydration, so that a file chosen as soon as the page can take it
 * meets a worker ready to read. Started at the page's first idle moment instead, they still loaded after
 * such a choice (measured with bench/ui/profile-page-open.ts: the summary pass began ~0.2 s after it).
 */
export class EarlyWorker {
  private waiting: Worker | null = null;

  constructor(private readonly factory: WorkerFactory) {}

  /** Starts the worker now, once; where there are no workers (the server's render) it does nothing. */
  start(): void {
    if (this.waiting || typeof Worker !== "function") return;
    this.waiting = this.factory();
  }

  /** A factory that gives the worker started early the first time, and new workers after. */
  readonly factoryOrEarly: WorkerFactory = () => {
    const worker = this.waiting;
    this.waiting = null;
    return worker ?? this.factory();
  };
}
