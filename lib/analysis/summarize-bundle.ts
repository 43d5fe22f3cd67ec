/**
 * The summary of one run of a bundle: its saved summary when the manifest names one that loads, else
 * computed from the run file in one pass. Errors stay with the run.
 */
import type { Bundle, BundleRun } from "../format/bundle-reader";
import { readAllBytes } from "../format/byte-source";
import { FormatError, type FormatProblem } from "../format/errors";
import { readHistogramRun } from "../format/histogram-run-reader";
import { declaredHz } from "../format/manifest";
import { describeRecovery, recoveredNote } from "../format/recovery";
import { openRun } from "../format/run-reader";
import {
  decodeSummary,
  summarizeHistogramRun,
  summarizeRun,
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
    const handle = await openRun(source, run.file);
    const summary = await summarizeRun(handle.batches({ reuseTimestamps: true }), {
      ...options,
      test: options.test ?? run.test,
      hz: options.hz ?? declaredHz(run.fields, bundle.manifest),
    });
    const recovery = handle.recovery();
    const recovered = recovery ? describeRecovery(recovery) : (run.fields.recovered ?? null);
    return { run, summary, errors, source: "computed", recovered };
  } catch (error) {
    errors.push(problemOf(error, run.file));
    return { run, summary: null, errors, source: null, recovered: null };
  }
}
