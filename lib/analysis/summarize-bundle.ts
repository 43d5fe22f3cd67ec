/**
 * The summary of one run of a bundle: its saved summary when the manifest names one that loads, else
 * computed from the run file in one pass. Errors stay with the run.
 */
import type { Bundle, BundleRun } from "../format/bundle-reader";
import { isRandomAccessSource, readAllBytes } from "../format/byte-source";
import { FormatError, type FormatProblem } from "../format/errors";
import { readHistogramRun } from "../format/histogram-run-reader";
import { declaredHz } from "../format/manifest";
import { describeRecovery, recoveredNote } from "../format/recovery";
import { openRun } from "../format/run-reader";
import { checkpointPathFor } from "../summary/checkpoint-file";
import { judgeCheckpoint } from "../summary/checkpoint-resume";
import {
  decodeSummary,
  summarizeHistogramRun,
  summarizeRun,
  SummaryBuilder,
  type RunSummary,
  type SummaryOptions,
} from "../summary";

export interface BundleRunSummary {
  run: BundleRun;
  summary: RunSummary | null;
  errors: FormatProblem[];
  /** Where the summary came from. */
  source: "saved" | "computed" | null;
  /**
   * For a run file without its footer: "recovered: N samples, the run did not finish" (lib/format/recovery);
   * for one `tickscope repair` finished, the note its manifest entry keeps.
   */
  recovered: string | null;
  /**
   * For a recovered run computed here: "resumed" when its summary went on from the collector's checkpoint
   * (reading only the batches after it), else why the whole file was read.
   */
  checkpoint?: string;
}

async function readAll(source: Awaited<ReturnType<Bundle["open"]>>): Promise<Uint8Array | null> {
  if (!source) return null;
  return "read" in source ? source.read(0, source.size) : readAllBytes(source);
}

function problemOf(error: unknown, file: string): FormatProblem {
  if (error instanceof FormatError) return error.toJSON();
  return { file, expected: "a readable run", found: error instanceof Error ? error.message : String(error) };
}

export async function summarizeBundleRun(
  bundle: Bundle,
  run: BundleRun,
  options: SummaryOptions & { useSaved?: boolean } = {},
): Promise<BundleRunSummary> {
  const errors = [...run.errors];
  if (!run.header) return { run, summary: null, errors, source: null, recovered: null };
  if (run.summaryFile && options.useSaved !== false) {
    try {
      const bytes = await readAll(await bundle.open(run.summaryFile));
      if (bytes) {
        const summary = decodeSummary(bytes, run.summaryFile);
        const recovered = run.header.recovered
          ? recoveredNote(summary.count)
          : (run.fields.recovered ?? null);
        return { run, summary, errors, source: "saved", recovered };
      }
    } catch {
      // A derived file is never required: fall through and compute it from the run.
    }
  }
  try {
    const source = await bundle.open(run.file);
    if (!source) throw new FormatError({ file: run.file, expected: "a file that is in the bundle" });
    if (run.kind === "histogram") {
      const summary = summarizeHistogramRun(await readHistogramRun(source, run.file));
      return { run, summary, errors, source: "computed", recovered: null };
    }
    let handle = await openRun(source, run.file);
    // A crashed run's summary resumes from the checkpoint its collector left, when that matches the file.
    const verdict =
      handle.header.recovered && isRandomAccessSource(source)
        ? await judgeCheckpoint(
            await readAll(await bundle.open(checkpointPathFor(run.file)).catch(() => null)),
            checkpointPathFor(run.file),
            source,
            run.file,
            handle,
          )
        : null;
    let summary: RunSummary;
    if (verdict?.use && isRandomAccessSource(source)) {
      handle = await openRun(source, run.file, { resumeAt: verdict.resumeAt });
      const builder = SummaryBuilder.resume(verdict.checkpoint);
      for await (const batch of handle.batches({ reuseTimestamps: true })) builder.add(batch);
      summary = builder.finish();
    } else
      summary = await summarizeRun(handle.batches({ reuseTimestamps: true }), {
        ...options,
        test: options.test ?? run.test,
        hz: options.hz ?? declaredHz(run.fields, bundle.manifest),
      });
    const recovery = handle.recovery();
    const recovered = recovery ? describeRecovery(recovery) : (run.fields.recovered ?? null);
    return {
      run,
      summary,
      errors,
      source: "computed",
      recovered,
      ...(verdict ? { checkpoint: verdict.use ? "resumed" : verdict.reason } : {}),
    };
  } catch (error) {
    errors.push(problemOf(error, run.file));
    return { run, summary: null, errors, source: null, recovered: null };
  }
}
