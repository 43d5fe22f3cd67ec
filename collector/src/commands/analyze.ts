import { hostNotes } from "../../../lib/analysis/host-notes";
import { describeProblem, type FormatProblem } from "../../../lib/format/errors";
import { openPathAsBundle } from "../../../lib/format/node-source";
import {
  attributeBundleRun,
  formatDuration,
  parseStatistic,
  runReport,
  statisticLabel,
  statisticOf,
  summarizeBundleRun,
  type RunReport,
  type Statistic,
  type ValueKind,
  VALUE_KINDS,
} from "../../../lib/analysis";
import type { RunSummary } from "../../../lib/summary";
import { UsageError, type Command } from "../command";
import { parseDurationOption, parseOptions } from "../options";

interface Options {
  paths: string[];
  json: boolean;
  failAbove: number | null;
  statistic: Statistic;
  /** What --fail-above and --percentile read: duration, or overhead (the default, as the study). */
  kind: ValueKind;
}

function parseArgs(args: string[]): Options {
  const { values, positionals } = parseOptions(args, {
    json: { type: "boolean" },
    "fail-above": { type: "string" },
    percentile: { type: "string" },
    as: { type: "string" },
  });
  const kind = values.as ?? "overhead";
  if (!(VALUE_KINDS as readonly string[]).includes(kind))
    throw new UsageError(`--as: expected ${VALUE_KINDS.join(" or ")}, found "${kind}"`);
  let statistic: Statistic = "max";
  if (values.percentile !== undefined) {
    const parsed = parseStatistic(values.percentile);
    if (!parsed || parsed === "max")
      throw new UsageError(
        `--percentile: expected a percentile between 0 and 100 such as 99.9, found "${values.percentile}"`,
      );
    statistic = parsed;
  }
  const failAbove =
    values["fail-above"] === undefined
      ? null
      : parseDurationOption(values["fail-above"], "--fail-above", { positive: false });
  if (!positionals.length)
    throw new UsageError("give at least one PATH: a run file, a bundle zip or a bundle folder");
  return { paths: positionals, json: values.json ?? false, failAbove, statistic, kind: kind as ValueKind };
}

function describe(
  report: RunReport,
  summary: RunSummary | null,
  statistic: Statistic,
  kind: ValueKind,
): string {
  const where = [
    report.test,
    report.environment,
    report.scenario,
    report.threads && `${report.threads} threads`,
  ]
    .filter(Boolean)
    .join(", ");
  const lines = [`${report.id} (${report.file})${where ? ` — ${where}` : ""}`];
  if (report.recovered) lines.push(`  ${report.recovered}`);
  if (!summary) return lines.join("\n");
  const value = report.test === "switch" ? "latency" : "overhead";
  lines.push(
    `  ${summary.count.toLocaleString("en")} samples over ${formatDuration(summary.spanNs)}` +
      (summary.kind === "samples" ? `; baseline ${formatDuration(summary.baseline.ns)}` : ""),
    `  max ${value} ${formatDuration(report.max_overhead_ns)}` +
      (Number.isFinite(summary.max.ts)
        ? ` at ${formatDuration(summary.max.ts)} (duration ${formatDuration(summary.max.durationNs)})`
        : ""),
    `  ${value} percentiles: ${Object.entries(report.percentiles_ns)
      .map(([p, v]) => `p${p} ${formatDuration(v)}`)
      .join("  ")}`,
  );
  if (statistic !== "max")
    lines.push(
      `  ${statisticLabel(statistic, kind)}: ${formatDuration(statisticOf(summary, statistic, { kind }))}`,
    );
  if (report.tick)
    lines.push(
      `  tick: every ${formatDuration(report.tick.period_ns)}, costs ${formatDuration(report.tick.cost_ns)}`,
    );
  for (const s of report.periodic_spikes)
    lines.push(
      `  periodic spikes: every ${formatDuration(s.period_ns)} at +${formatDuration(s.phase_ns)}, in ${Math.round(s.regularity * 100)}% of periods, typically ${formatDuration(s.magnitude_ns)}` +
        (s.cause ? `; cause: ${s.cause}` : ""),
    );
  lines.push(...describeAttribution(report));
  return lines.join("\n");
}

function describeAttribution(report: RunReport): string[] {
  const a = report.attribution;
  if (report.test !== "tick" && !a) return [];
  if (!a) return ["  kernel events: none recorded for this run (no attribution)"];
  const parts = (["tick", "irq", "softirq", "ipi", "nmi", "thread", "throttle", "unexplained"] as const)
    .map((k) => [k, a[`${k}_ns`]] as const)
    .filter(([, ns]) => ns > 0)
    .map(([k, ns]) => `${k} ${formatDuration(ns)}`);
  const lines = [
    `  lost time (overhead) of ${a.samples.toLocaleString("en")} interrupted samples: ${formatDuration(a.lost_ns)}` +
      (a.explained_share === null
        ? ""
        : `, ${Math.round(a.explained_share * 1000) / 10}% explained by kernel events`),
    `    ${parts.join("  ") || "nothing lost"}` +
      (a.steal_ns === null ? "" : `; steal ${formatDuration(a.steal_ns)}`) +
      (a.lost_events ? `; ${a.lost_events} events lost` : ""),
  ];
  if (report.tick?.cause) lines.push(`  tick cause: ${report.tick.cause}`);
  const worst = report.worst?.[0];
  if (worst)
    lines.push(
      `  worst sample at ${formatDuration(worst.ts_ns)} (${formatDuration(worst.duration_ns)}): ` +
        worst.causes.map((c) => `${c.kind}${c.name ? ` ${c.name}` : ""} ${formatDuration(c.ns)}`).join(", "),
    );
  return lines;
}

const analyze: Command = {
  summary:
    "summarise runs: baseline, maxima, percentiles, tick and periodic spikes (--json for scripts and CI)",
  usage: "analyze PATH... [--json] [--fail-above DURATION] [--percentile P] [--as overhead|duration]",
  async run(args) {
    const options = parseArgs(args);
    const reports: RunReport[] = [];
    const texts: string[] = [];
    const problems: FormatProblem[] = [];
    const failures: string[] = [];
    for (const path of options.paths) {
      let bundle;
      try {
        bundle = await openPathAsBundle(path);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        problems.push({
          file: path,
          expected: "a run file, a bundle zip or a bundle folder",
          found:
            code === "ENOENT"
              ? "nothing at that path"
              : error instanceof Error
                ? error.message
                : String(error),
        });
        continue;
      }
      try {
        problems.push(...bundle.problems);
        if (bundle.runs.some((r) => r.test === "tick"))
          for (const note of hostNotes(bundle.manifest?.host)) texts.push(`note on ${path}: ${note}`);
        for (const run of bundle.runs) {
          const { summary, errors, recovered } = await summarizeBundleRun(bundle, run);
          const events = await attributeBundleRun(bundle, run, summary);
          problems.push(...events.errors);
          const report = runReport(
            summary,
            { id: run.id, file: run.file, test: run.test, fields: run.fields },
            [...errors, ...events.errors],
            recovered,
            events,
          );
          reports.push(report);
          texts.push(describe(report, summary, options.statistic, options.kind));
          if (!summary) problems.push(...errors);
          else if (options.failAbove !== null) {
            const value = statisticOf(summary, options.statistic, { kind: options.kind });
            if (value > options.failAbove)
              failures.push(
                `${run.id} (${path}): ${statisticLabel(options.statistic, options.kind)} ${formatDuration(value)} is above ${formatDuration(options.failAbove)}`,
              );
          }
        }
      } finally {
        await bundle.close();
      }
    }
    if (options.json) console.log(JSON.stringify({ runs: reports }, null, 2));
    else if (texts.length) console.log(texts.join("\n\n"));
    for (const problem of problems) console.error(`tickscope analyze: ${describeProblem(problem)}`);
    for (const failure of failures) console.error(`tickscope analyze: FAIL ${failure}`);
    return problems.length ? 2 : failures.length ? 1 : 0;
  },
};
export default analyze;
