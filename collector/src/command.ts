/** A CLI command: one file in collector/src/commands/, named as the user types it. */
export interface Command {
  summary: string;
  usage: string;
  /** Returns the process exit status: 0 ok, 1 a check failed, 2 bad input or usage. */
  run(args: string[]): Promise<number>;
}

/** An error the user caused (bad arguments or input): printed as is, without a stack, exit status 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly status = 2,
  ) {
    super(message);
    this.name = "UsageError";
  }
}
