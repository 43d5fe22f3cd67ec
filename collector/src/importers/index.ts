import { cyclictest } from "./cyclictest";
import { jitterdebugger } from "./jitterdebugger";
import { oslat } from "./oslat";
import { plainCsv } from "./plain-csv";
import { sysjitter } from "./sysjitter";
import type { ImportFormat, Importer } from "./types";

export { IMPORT_FORMATS, type ImportFormat, type Importer } from "./types";

export function importerFor(format: ImportFormat, csvTest: string): Importer {
  return { cyclictest, oslat, jitterdebugger, sysjitter, csv: plainCsv(csvTest) }[format];
}

/** Guesses a file's format from its first bytes; oslat before cyclictest (both are rt-tests JSON). */
export function sniffFormat(head: string, fileName: string, csvTest: string): Importer | null {
  return (
    [oslat, cyclictest, jitterdebugger, sysjitter, plainCsv(csvTest)].find((i) => i.sniff(head, fileName)) ??
    null
  );
}
