import { createReadStream } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { RecordBatchReader } from "apache-arrow";
import { COLUMN, MANIFEST_FILE } from "../format/contract";
import { FormatError } from "../format/errors";
import { manifestSchema } from "../format/manifest";
import type { BundleChecker } from "./ingest";

/** What GET /api/bundles/{id} answers (with the id added): written once per blob, at upload. */
export interface BundleIndex {
  title: string | null;
  manifest: unknown;
  runs: { id: string; file: string; test: string | null; rows: number }[];
  problems: unknown[];
}

export const INDEX_FILE = "index.json";

// Interim: replaced by lib/format/bundle-reader + lib/summary when the analysis branch lands.
export const checkBundle: BundleChecker = async (filesDir, derivedDir) => {
  let text: string;
  try {
    text = await readFile(join(filesDir, MANIFEST_FILE), "utf8");
  } catch {
    throw new FormatError({
      file: MANIFEST_FILE,
      expected: "a manifest.json at the bundle's root",
      found: "none",
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new FormatError({ file: MANIFEST_FILE, expected: "valid JSON", found: (error as Error).message });
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new FormatError({ file: MANIFEST_FILE, field: issue.path.join("."), expected: issue.message });
  }
  const runs: BundleIndex["runs"] = [];
  for (const run of parsed.data.runs) {
    let rows = 0;
    try {
      const reader = await RecordBatchReader.from(createReadStream(join(filesDir, run.file)));
      await reader.open();
      const names = reader.schema.fields.map((field) => field.name);
      for (const column of [COLUMN.ts, COLUMN.duration])
        if (!names.includes(column))
          throw new FormatError({ file: run.file, field: column, expected: "the column" });
      for await (const batch of reader) rows += batch.numRows;
    } catch (error) {
      if (error instanceof FormatError) throw error;
      throw new FormatError({
        file: run.file,
        expected: "an Arrow IPC file",
        found: (error as Error).message,
      });
    }
    runs.push({ id: run.id, file: run.file, test: run.test ?? null, rows });
  }
  const index: BundleIndex = { title: parsed.data.title ?? null, manifest: parsed.data, runs, problems: [] };
  await writeFile(join(derivedDir, INDEX_FILE), JSON.stringify(index));
};
