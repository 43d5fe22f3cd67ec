/**
 * A problem with one input, said the way the contract asks: which file, which column or key, which
 * row (where it applies), and what was expected instead.
 */
export interface FormatProblem {
  file: string;
  field?: string;
  row?: number;
  expected: string;
  found?: string;
}

export class FormatError extends Error implements FormatProblem {
  readonly file: string;
  readonly field?: string;
  readonly row?: number;
  readonly expected: string;
  readonly found?: string;

  constructor(problem: FormatProblem) {
    super(describeProblem(problem));
    this.name = "FormatError";
    this.file = problem.file;
    this.field = problem.field;
    this.row = problem.row;
    this.expected = problem.expected;
    this.found = problem.found;
  }

  toJSON(): FormatProblem & { message: string } {
    const { file, field, row, expected, found, message } = this;
    return { file, field, row, expected, found, message };
  }
}

export function describeProblem({ file, field, row, expected, found }: FormatProblem): string {
  const where = [file, field && `column or key "${field}"`, row !== undefined && `row ${row}`]
    .filter(Boolean)
    .join(", ");
  return `${where}: expected ${expected}${found !== undefined ? `, found ${found}` : ""}`;
}
