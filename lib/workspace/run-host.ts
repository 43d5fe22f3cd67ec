import type { FromWorker, ToWorker } from "./protocol";

export type Post = (message: FromWorker, transfer?: Transferable[]) => void;

/** The worker's state and logic, kept apart from the worker global so it can be tested in Node. */
export class RunHost {
  constructor(private readonly post: Post) {}

  async handle(message: ToWorker): Promise<void> {
    if (message.type === "open")
      this.post({
        type: "failed",
        runKey: message.jobKey,
        problem: { file: message.job.name, expected: "the summary library", message: "not yet available" },
      });
  }
}
