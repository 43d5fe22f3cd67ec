/** An error from DuckDB that keeps the SQL that caused it, so the message can say what was asked. */
export class QueryError extends Error {
  constructor(
    readonly sql: string,
    readonly cause: unknown,
  ) {
    super(`${cause instanceof Error ? cause.message : String(cause)}\n  in query: ${sql}`);
    this.name = "QueryError";
  }
}
