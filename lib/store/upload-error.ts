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

/**
 * Also an UploadError made by another copy of this module: Next.js bundles instrumentation.ts (which
 * makes the store) apart from each route, so `instanceof` alone misses the store's errors.
 */
export function isUploadError(error: unknown): error is UploadError {
  return (
    error instanceof UploadError ||
    (error instanceof Error &&
      error.name === "UploadError" &&
      typeof (error as UploadError).status === "number" &&
      typeof (error as UploadError).detail?.message === "string")
  );
}
