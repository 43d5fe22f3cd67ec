import { existsSync, readFileSync, statSync } from "node:fs";
import { rename, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { MANIFEST_FILE } from "../../../lib/format/contract";
import { FormatError } from "../../../lib/format/errors";
import { declaredHz, manifestSchema, type Manifest } from "../../../lib/format/manifest";
import { encodeSummary, summaryPathFor } from "../../../lib/summary";
import { checkpointPathFor } from "../../../lib/summary/checkpoint-file";
import { UsageError, type Command } from "../command";
import { repairRunEvents, repairRunSteal } from "../events/repair-events";
import { parseOptions } from "../options";
import { repairRunFile } from "../repair-run";

function readManifest(path: string): Manifest {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new UsageError(`${path}: expected JSON, found a syntax error (${(error as Error).message})`);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`${path}, key "${issue.path.join(".")}": ${issue.message}`);
  }
  return parsed.data;
}

async function repairOne(path: string, name: string, hz: number | null, test?: string) {
  try {
    return await repairRunFile(path, name, { test, hz }, checkpointPathFor(path));
  } catch (error) {
    if (error instanceof FormatError) throw new UsageError(`cannot repair: ${error.message}`);
    throw error;
  }
}

/** A bundle folder: each run without its footer is repaired, its summary saved, its manifest entry updated. */
async function repairBundle(dir: string): Promise<void> {
  const manifestPath = join(dir, MANIFEST_FILE);
  const manifest = readManifest(manifestPath);
  let changed = false;
  const runs = [];
  for (const run of manifest.runs) {
    const path = join(dir, ...run.file.split("/"));
    if (!existsSync(path)) {
      console.log(`${run.id}: ${run.file} is missing; its entry is left as it is`);
      runs.push(run);
      continue;
    }
    const events = await repairRunEvents(dir, run, (line) => console.log(line));
    const steal = await repairRunSteal(dir, run, (line) => console.log(line));
    const eventsEntry = {
      ...(events ? { events: events.events } : {}),
      ...(steal ? { steal: steal.steal } : {}),
    };
    if (events?.changed || steal?.changed) changed = true;
    const result = await repairOne(path, run.file, declaredHz(run, manifest), run.test);
    if (!result.repaired && run.stopped !== "crashed") {
      console.log(`${run.id}: complete, nothing to repair`);
      runs.push({ ...run, ...eventsEntry });
      continue;
    }
    const summary = run.summary ?? summaryPathFor(run.file);
    await writeFile(join(dir, ...summary.split("/")), encodeSummary(result.summary));
    const note = result.note ?? run.recovered;
    runs.push({
      ...run,
      ...eventsEntry,
      summary,
      samples: result.summary.count,
      stopped: run.stopped && run.stopped !== "crashed" && !result.repaired ? run.stopped : "crashed",
      ...(note ? { recovered: note } : {}),
    });
    changed = true;
    if (result.summarised) console.log(`${run.id}: ${result.summarised}`);
    console.log(
      `${run.id}: ${result.repaired ? `${result.note}; wrote its footer` : "its file is whole"}, saved its summary` +
        (result.droppedBytes ? ` (${result.droppedBytes} incomplete bytes at the end left out)` : ""),
    );
  }
  if (!changed) return;
  const temp = `${manifestPath}.repair-${process.pid}`;
  await writeFile(temp, JSON.stringify({ ...manifest, runs }, null, 2) + "\n");
  await rename(temp, manifestPath);
  console.log(`updated ${manifestPath}`);
}

const repair: Command = {
  summary:
    "finish a run whose collector or sampler died: keep its whole batches, write its footer and manifest entry",
  usage: "repair PATH   (a bundle folder, or one run file)",
  async run(args) {
    const { positionals } = parseOptions(args, {});
    if (positionals.length !== 1) throw new UsageError("expected one PATH: a bundle folder or a run file");
    const path = positionals[0];
    if (!existsSync(path)) throw new UsageError(`${path}: nothing at that path`);
    if (statSync(path).isDirectory()) {
      if (!existsSync(join(path, MANIFEST_FILE)))
        throw new UsageError(`${path}: no ${MANIFEST_FILE}; give a run file to repair it alone`);
      await repairBundle(path);
      return 0;
    }
    const result = await repairOne(path, basename(path), null);
    if (result.summarised) console.log(`${basename(path)}: ${result.summarised}`);
    console.log(
      result.repaired
        ? `${basename(path)}: ${result.note}; wrote its footer`
        : `${basename(path)}: complete, nothing to repair`,
    );
    return 0;
  },
};
export default repair;
