import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";

/** The lines of a text file, numbered from 1, streamed (run files can hold millions of rows). */
export async function* numberedLines(path: string): AsyncGenerator<[number, string]> {
  const lines = createInterface({ input: createReadStream(path, { encoding: "utf8" }), crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) yield [++n, line];
}
