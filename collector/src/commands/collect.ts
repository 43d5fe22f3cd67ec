import { rm, writeFile } from "node:fs/promises";
import { PAPER_SCENARIOS } from "../../../lib/format/contract";
import { BundleDirectory, runFileName } from "../../../lib/format/bundle-writer";
import type { ManifestRun } from "../../../lib/format/manifest";
import { recoveredNote } from "../../../lib/format/recovery";
import { encodeSummaryChunks, summaryPathFor, type SummaryOptions } from "../../../lib/summary";
import { checkpointPathFor } from "../../../lib/summary/checkpoint-file";
import { hostNotes } from "../../../lib/analysis/host-notes";
import { UsageError, type Command } from "../command";
import {
  DEFAULT_MATRIX,
  MAX_THREADS,
  parseMatrix,
  testId,
  testLabel,
  type PlannedTest,
} from "../collect-plan";
import { moveOffCpu, readFingerprint } from "../host";
import { runSampler, type SamplerResult, type SamplerRun } from "../native/sampler-process";
import {
  checkNewOutputDir,
  durationArgument,
  onlineCpus,
  parseCpu,
  parseDurationOption,
  parseInteger,
  parseOptions,
} from "../options";
import { formatDuration } from "../../../lib/analysis/units";
import { ProgressBar } from "../progress-bar";
import { memoryMark } from "../memory-log";
import { repairRunFile, type RepairedRun } from "../repair-run";
import { saveRunSummary } from "../run-summary";
import { followRunSummary } from "../follow-run";
import { runSummaryOptions } from "../run-summary-options";
import { eventsPossible, startRunEvents, type RunEventsHandle } from "../events/run-events";

/** A run whose sampler died: its whole batches, with a footer and a summary; null when none was written. */
async function keepCrashedRun(
  path: string,
  file: string,
  options: SummaryOptions,
): Promise<(RepairedRun & { note: string }) | null> {
  try {
    const repaired = await repairRunFile(path, file, options, checkpointPathFor(path));
    const note = repaired.note ?? recoveredNote(repaired.summary.count);
    return { ...repaired, note };
  } catch {
    await rm(path, { force: true });
    return null;
  }
}

const usage = `collect tick|switch|matrix [options] -o DIR

  --threads N          switch: threads yielding to each other (2-${MAX_THREADS}; default 2)
  --tests LIST         matrix: the tests to run (default tick,switch:2,switch:1000)
  --cpu C              the measured CPU (default: the last one)
  --samples N          stop after N samples per test, or
  --duration T         stop after T per test: 500ms, 3s, 10m, 1h (default 10s)
  --loop-us U          tick: the busy loop's uninterrupted length (default 68, as in the study)
  --priority P         SCHED_FIFO priority (default: the highest)
  --environment E      bare-machine, emulated, enlightened, or any label (default: from the fingerprint)
  --scenario S         the study's presets: ${PAPER_SCENARIOS.join(", ")}; or any text
  --label L            a free label for the runs
  --title T            the bundle's title
  --no-progress        no progress bar (the sampler's monitor then reads nothing)
  --no-summary         do not save each run's summary beside it (readers then compute it)
  --no-events          tick: do not record the measured CPU's kernel events (IRQs, softirqs, thread
                       switches, RT throttling) and steal time; recorded by default as root with tracefs
  --hold               keep the samples in memory and write them after the run (12 bytes a sample;
                       nothing is written while measuring). By default they are streamed: written as
                       the run goes from a fixed ring of memory (memory bounded, a crash keeps what was
                       written)
  --chunk-rows N       streamed: samples per record batch (1024-524288; default 131072; it also
                       writes at least every second)
  --allow-unprivileged run without SCHED_FIFO or locked memory, marked so in the run
  -o, --output DIR     the bundle folder to create (must not exist)

Ctrl-C (SIGINT) or SIGTERM stops the current test early; what was taken is written. If the sampler dies
(kill -9, a full disk), what it wrote is kept, finished and marked stopped: "crashed"; if this process dies,
\`tickscope repair\` finishes the folder it leaves.`;

const collect: Command = {
  summary: "run the tick and/or switch tests and write a result bundle",
  usage,
  async run(args) {
    const { values, positionals } = parseOptions(args, {
      threads: { type: "string" },
      tests: { type: "string" },
      cpu: { type: "string" },
      samples: { type: "string" },
      duration: { type: "string" },
      "loop-us": { type: "string" },
      priority: { type: "string" },
      environment: { type: "string" },
      scenario: { type: "string" },
      label: { type: "string" },
      title: { type: "string" },
      "no-progress": { type: "boolean" },
      "no-summary": { type: "boolean" },
      "no-events": { type: "boolean" },
      hold: { type: "boolean" },
      "chunk-rows": { type: "string" },
      "allow-unprivileged": { type: "boolean" },
      output: { type: "string", short: "o" },
    });
    const [kind, ...extra] = positionals;
    if (!kind || !["tick", "switch", "matrix"].includes(kind) || extra.length)
      throw new UsageError(
        `expected collect tick, collect switch or collect matrix, found "${positionals.join(" ")}"`,
      );
    if (values.threads !== undefined && kind !== "switch")
      throw new UsageError(
        "--threads applies to collect switch; for a matrix use --tests tick,switch:2,switch:1000",
      );
    if (values.tests !== undefined && kind !== "matrix")
      throw new UsageError("--tests applies to collect matrix");
    if (values.samples !== undefined && values.duration !== undefined)
      throw new UsageError("give --samples or --duration, not both");

    const plan: PlannedTest[] =
      kind === "matrix"
        ? values.tests
          ? parseMatrix(values.tests)
          : DEFAULT_MATRIX
        : kind === "switch"
          ? [
              {
                test: "switch",
                threads: parseInteger(values.threads ?? "2", "--threads", 2, MAX_THREADS, "a thread count"),
              },
            ]
          : [{ test: "tick" }];
    const samples =
      values.samples !== undefined
        ? parseInteger(values.samples, "--samples", 1, 2 ** 40, "a number of samples")
        : undefined;
    const durationNs =
      values.duration !== undefined
        ? parseDurationOption(values.duration, "--duration")
        : samples
          ? undefined
          : 10e9;
    const cpus = onlineCpus();
    const cpu = values.cpu !== undefined ? parseCpu(values.cpu) : cpus[cpus.length - 1];
    const loopUs = values["loop-us"];
    if (loopUs !== undefined && !(Number(loopUs) >= 0 && Number(loopUs) <= 1e6))
      throw new UsageError(`--loop-us: expected microseconds (0 to 1000000), found "${loopUs}"`);
    if (loopUs !== undefined && !plan.some((t) => t.test === "tick"))
      throw new UsageError("--loop-us applies to the tick test");
    if (values["chunk-rows"] !== undefined && values.hold)
      throw new UsageError("--chunk-rows applies to a streamed run, not with --hold");
    const chunkRows =
      values["chunk-rows"] !== undefined
        ? parseInteger(values["chunk-rows"], "--chunk-rows", 1024, 524_288, "samples per record batch")
        : undefined;
    const priority =
      values.priority !== undefined
        ? parseInteger(values.priority, "--priority", 1, 99, "a SCHED_FIFO priority")
        : undefined;
    const target = checkNewOutputDir(values.output);
    if (values.scenario && !(PAPER_SCENARIOS as readonly string[]).includes(values.scenario))
      console.error(
        `note: scenario "${values.scenario}" is not one of the study's presets (${PAPER_SCENARIOS.join(", ")})`,
      );

    const host = await readFingerprint();
    if (plan.some((t) => t.test === "tick"))
      for (const note of hostNotes(host)) console.error(`note: ${note}`);
    const environment = values.environment ?? host.environment_guess;
    const recordEvents = eventsPossible(!values["no-events"] && plan.some((t) => t.test === "tick"), (line) =>
      console.error(line),
    );
    const bundle = await BundleDirectory.create(target);
    const title = () =>
      values.title ??
      `${plan.map(testLabel).join("; ")} on ${host.hostname ?? "this machine"} (${environment ?? "unknown environment"})`;
    moveOffCpu(cpu, cpus);

    let interrupted: NodeJS.Signals | null = null;
    let failure: { id: string; error: Error } | null = null;
    let current: SamplerRun | null = null;
    let events: RunEventsHandle | null = null;
    const onSignal = (signal: NodeJS.Signals) => {
      interrupted = signal;
      current?.stop(signal);
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    try {
      for (const planned of plan) {
        if (interrupted) break;
        const id = testId(planned);
        const file = runFileName(id);
        const samplerArgs = [
          planned.test,
          ...(planned.threads ? ["--threads", String(planned.threads)] : []),
          "--cpu",
          String(cpu),
          ...(samples ? ["--samples", String(samples)] : ["--duration", durationArgument(durationNs!)]),
          ...(planned.test === "tick" && loopUs !== undefined ? ["--loop-us", loopUs] : []),
          ...(priority ? ["--priority", String(priority)] : []),
          ...(environment ? ["--environment", environment] : []),
          ...(values.scenario ? ["--scenario", values.scenario] : []),
          ...(values.label ? ["--label", values.label] : []),
          ...(values["allow-unprivileged"] ? ["--allow-unprivileged"] : []),
          ...(values["no-progress"] ? [] : ["--progress"]),
          ...(values.hold ? ["--hold"] : chunkRows ? ["--chunk-rows", String(chunkRows)] : []),
          "-o",
          bundle.path(file),
        ];
        const entry: ManifestRun = {
          id,
          file,
          test: planned.test,
          ...(environment ? { environment } : {}),
          ...(values.scenario ? { scenario: values.scenario } : {}),
          ...(planned.threads ? { threads: planned.threads } : {}),
          label: values.label ?? testLabel(planned),
          cpu,
        };
        // If this process dies during the test, the folder says so: `tickscope repair` finishes it.
        await bundle.writeProvisional({ title: title(), host }, entry);
        const bar = new ProgressBar({ label: id, samples, durationNs });
        events =
          recordEvents && planned.test === "tick"
            ? startRunEvents(
                cpu,
                host,
                file,
                (f) => bundle.path(f),
                (line) => console.error(line),
              )
            : null;
        const summaryOptions = runSummaryOptions(
          planned,
          { samples, durationNs, loopUs: planned.test === "tick" ? loopUs : undefined },
          host.hz,
        );
        let samplerDone = false;
        const following = values["no-summary"]
          ? null
          : followRunSummary(bundle.path(file), file, summaryOptions, () => samplerDone);
        following?.catch(() => {}); // awaited below; a failure there falls back to a pass after the run
        const followed = async () => {
          samplerDone = true;
          return following?.then(
            (summary) => ({ summary, error: null }),
            (error: Error) => ({ summary: null, error }),
          );
        };
        current = runSampler(
          samplerArgs,
          (p) => bar.update(p),
          (origin) => events?.streamFrom(origin),
        );
        let result: SamplerResult;
        try {
          result = await current.result;
        } catch (error) {
          // The events and steal rows streamed up to the crash are kept, their files ended.
          const keptEvents = (await events?.abort(true)) ?? null;
          events = null;
          await followed(); // done reading before the file is repaired
          // What the sampler wrote before it died is kept, finished (footer, summary) and marked crashed.
          const kept = await keepCrashedRun(bundle.path(file), file, summaryOptions);
          if (kept) {
            const summary = values["no-summary"] ? undefined : summaryPathFor(file);
            if (summary) await writeFile(bundle.path(summary), encodeSummaryChunks(kept.summary));
            bundle.addRun({
              ...entry,
              ...(summary ? { summary } : {}),
              ...keptEvents,
              samples: kept.summary.count,
              stopped: "crashed",
              recovered: kept.note,
            });
            bar.done(`${id}: ${kept.note}`);
          }
          // Keep the tests already done (an hour's run is not thrown away for a later failure).
          if (!bundle.runCount) throw error;
          failure = { id, error: error as Error };
          break;
        } finally {
          current = null;
        }
        bar.done(
          `${id}: ${result.samples.toLocaleString("en-US")} samples, max ${formatDuration(result.max_ns)}, stopped by ${result.stopped}` +
            (result.samples_taken !== undefined && result.samples_taken > result.samples
              ? ` (${(result.samples_taken - result.samples).toLocaleString("en-US")} more measured but lost to the writer)`
              : "") +
            (result.unprivileged ? " (UNPRIVILEGED: not SCHED_FIFO or not locked)" : ""),
        );
        memoryMark("sampler exit");
        let summarised = await followed();
        memoryMark("summary followed");
        if (result.samples === 0) {
          // Stopped before its first sample: an empty run says nothing, and readers reject it.
          await events?.abort();
          events = null;
          await rm(bundle.path(file), { force: true });
          continue;
        }
        let summary: string | undefined;
        if (!values["no-summary"]) {
          summary = summaryPathFor(file);
          const kept = summarised?.summary;
          if (kept && kept.count === result.samples)
            await writeFile(bundle.path(summary), encodeSummaryChunks(kept));
          else {
            console.error(
              `note: ${id}: the summary could not follow the run (${summarised?.error?.message ?? `${kept?.count} samples summarised of ${result.samples}`}); computing it from the file`,
            );
            await saveRunSummary(bundle.path(file), file, summaryOptions, bundle.path(summary));
          }
        }
        memoryMark("summary written");
        // Saved and let go before the events are gathered: the run's memory peak is one of them at a time.
        summarised = undefined;
        const eventFiles = events ? await events.finish(result) : null;
        events = null;
        memoryMark("events written");
        bundle.addRun({
          ...entry,
          ...(summary ? { summary } : {}),
          ...(eventFiles ?? {}),
          samples: result.samples,
          stopped: result.stopped,
        });
      }
      if (!bundle.runCount) throw new UsageError("interrupted before any test ran: nothing written", 1);
      await bundle.commit({ title: title(), host });
      memoryMark("manifest written");
    } catch (error) {
      current?.stop("SIGTERM");
      await events?.abort();
      await bundle.abort();
      throw error;
    } finally {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
    const shown = values.output!;
    if (failure) {
      const { id, error } = failure as { id: string; error: Error };
      console.error(`tickscope collect: ${id} failed: ${error.message}`);
      console.log(`wrote the ${bundle.runCount} test(s) done before it to ${shown}`);
      return error instanceof UsageError ? error.status : 1;
    }
    console.log(
      interrupted
        ? `interrupted by ${interrupted}: wrote ${bundle.runCount} of ${plan.length} test(s) to ${shown}`
        : `wrote ${shown} (${bundle.runCount} run${bundle.runCount > 1 ? "s" : ""}); open it in the dashboard or pack it: npx tickscope pack ${shown} -o ${shown}.zip`,
    );
    return 0;
  },
};
export default collect;
