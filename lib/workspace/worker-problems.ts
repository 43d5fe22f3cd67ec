/** Problems as the run worker posts them: a FormatProblem with its sentence, or any error as one. */
import { describeProblem, FormatError, type FormatProblem } from "../format/errors";
import type { SerializedProblem } from "./protocol";

export function problemOf(error: unknown, file: string): SerializedProblem {
  if (error instanceof FormatError) return { ...error.toJSON() };
  const message = error instanceof Error ? error.message : String(error);
  return { file, expected: "a readable run file", found: message, message: `${file}: ${message}` };
}

export function serialized(problem: FormatProblem): SerializedProblem {
  return { ...problem, message: describeProblem(problem) };
}
