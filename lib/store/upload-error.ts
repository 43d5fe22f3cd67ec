import type { FormatProblem } from "../format/errors";

/** What an API error says: always a message; for bad input, where (file, field, row) and what was expected. */
export interface ErrorDetail extends Partial<FormatProblem> {
  message: string;
}

/** A request the server refuses, with the HTTP status that says why (4xx). */
export class UploadError extends Error {
  constructor(
    readonly status: number,
    readonly detail: ErrorDetail,
  ) {
    super(detail.message);
    this.name = "UploadError";
  }
}
