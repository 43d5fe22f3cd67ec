import type { RunningQuery, RunOutcome } from "./run-sql";

/**
 * One user query at a time on the workbench's connection. A new query cancels the running one and
 * waits for it to stop before it starts (both would otherwise poll the same connection's pending
 * query); a query that was replaced answers null, so its result never shows under the newer one.
 */
export class QuerySlot {
  private running: RunningQuery | null = null;
  private latest = 0;

  constructor(private readonly start: (sql: string) => RunningQuery) {}

  /** The query's outcome, or null when a later query (or `replace`) came first. */
  async run(sql: string, onStart?: (query: RunningQuery) => void): Promise<RunOutcome | null> {
    const id = await this.replace();
    if (id !== this.latest) return null;
    const query = this.start(sql);
    this.running = query;
    onStart?.(query);
    const outcome = await query.outcome;
    if (this.running === query) this.running = null;
    return id === this.latest ? outcome : null;
  }

  /** Cancels the running query (if any), waits until it has stopped, and makes every earlier run answer null. */
  async replace(): Promise<number> {
    const id = ++this.latest;
    const previous = this.running;
    if (previous) {
      await previous.cancel();
      await previous.outcome;
    }
    return id;
  }

  /** Cancels the running query; its run answers "cancelled". */
  async cancel(): Promise<void> {
    await this.running?.cancel();
  }
}
