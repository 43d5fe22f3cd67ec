import { closeSync, existsSync, openSync, readSync, statSync } from "node:fs";
import { basename, extname } from "node:path";
import { BundleDirectory, runFileName, runId, uniqueIds } from "../../../lib/format/bundle-writer";
import { FormatError } from "../../../lib/format/errors";
import type { ManifestRun, RunFields } from "../../../lib/format/manifest";
import { summaryPathFor } from "../../../lib/summary";
import { UsageError, type Command } from "../command";
import { IMPORT_FORMATS, importerFor, sniffFormat, type ImportFormat } from "../importers";
import { SampleRunFile, writeHistogramRun } from "../importers/run-files";
import { checkNewOutputDir, parseOptions } from "../options";
import { saveRunSummary } from "../run-summary";

const usage = `import FILE... [--format F] [--environment E] [--scenario S] [--label L] [--test T] [--title T] -o DIR

Turns results of other tools into a bundle:
  cyclictest   cyclictest --json=FILE         one histogram run per thread
  oslat        oslat --json=FILE              one histogram run per thread
  jitterdebugger  jittersamples' CSV          one sample run per CPU
  sysjitter    sysjitter --raw PREFIX files    one sample run per file (interruptions above the threshold)
  csv          ts_ns,duration_ns per line     one sample run (--test names the test; default tick)
--format is guessed from each file's content when not given.`;

function head(file: string): string {
  const fd = openSync(file, "r");
  try {
    const buffer = Buffer.alloc(65536);
    return buffer.toString("utf8", 0, readSync(fd, buffer, 0, buffer.length, 0));
  } finally {
    closeSync(fd);
  }
}

interface PendingRun {
  suffix: string;
  file: string;
  test: string;
  kind: "samples" | "histogram";
  source: string;
  fields: RunFields;
}

const importCommand: Command = {
  summary: "import cyclictest, oslat, jitterdebugger, sysjitter or plain CSV results into a bundle",
  usage,
  async run(args) {
    const { values, positionals } = parseOptions(args, {
      format: { type: "string" },
      environment: { type: "string" },
      scenario: { type: "string" },
      label: { type: "string" },
      test: { type: "string" },
      title: { type: "string" },
      output: { type: "string", short: "o" },
    });
    if (!positionals.length) throw new UsageError("expected at least one file to import");
    const format = values.format as ImportFormat | undefined;
    if (format !== undefined && !(IMPORT_FORMATS as readonly string[]).includes(format))
      throw new UsageError(`--format: expected one of ${IMPORT_FORMATS.join(", ")}, found "${format}"`);
    const csvTest = values.test ?? "tick";
    for (const file of positionals)
      if (!existsSync(file) || !statSync(file).isFile()) throw new UsageError(`${file}: no such file`);
    const importers = positionals.map((file) => {
      const importer = format ? importerFor(format, csvTest) : sniffFormat(head(file), file, csvTest);
      if (!importer)
        throw new UsageError(`${file}: cannot tell its format; give --format ${IMPORT_FORMATS.join("|")}`);
      return importer;
    });
    const target = checkNewOutputDir(values.output);

    const common: RunFields = {
      ...(values.environment ? { environment: values.environment } : {}),
      ...(values.scenario ? { scenario: values.scenario } : {}),
      ...(values.label ? { label: values.label } : {}),
    };
    const bundle = await BundleDirectory.create(target);
    const pending: PendingRun[] = [];
    const sinks: SampleRunFile[] = [];
    try {
      for (const [i, file] of positionals.entries()) {
        const importer = importers[i];
        const stem = basename(file, extname(file));
        const temp = (n: number) => bundle.path(`runs/.import-${n}.arrow`);
        await importer.import({
          file,
          openSampleRun(suffix, test, run) {
            const path = temp(pending.length);
            const fields = { ...run, source_file: basename(file), ...common };
            const sink = new SampleRunFile(path, values.test ?? test, fields);
            sinks.push(sink);
            pending.push({
              suffix,
              file: path,
              test: values.test ?? test,
              kind: "samples",
              source: stem,
              fields,
            });
            return sink;
          },
          addHistogramRun(suffix, test, run, buckets) {
            const path = temp(pending.length);
            const fields = { ...run, source_file: basename(file), ...common };
            writeHistogramRun(path, test, fields, buckets);
            pending.push({ suffix, file: path, test, kind: "histogram", source: stem, fields });
          },
        });
        for (const sink of sinks.splice(0)) sink.finish();
      }
      const ids = uniqueIds(pending.map((p) => runId(p.source, p.suffix)));
      const { rename } = await import("node:fs/promises");
      for (const [i, p] of pending.entries()) {
        const file = runFileName(ids[i]);
        await rename(p.file, bundle.path(file));
        let summary: string | undefined;
        if (p.kind === "samples") {
          summary = summaryPathFor(file);
          await saveRunSummary(bundle.path(file), file, { test: p.test }, bundle.path(summary));
        }
        const entry: ManifestRun = {
          id: ids[i],
          file,
          ...(summary ? { summary } : {}),
          test: p.test,
          ...common,
          ...(p.kind === "histogram" ? { kind: "histogram" } : {}),
          ...(typeof p.fields.cpu === "number" ? { cpu: p.fields.cpu } : {}),
        };
        bundle.addRun(entry);
      }
      await bundle.commit({
        title: values.title ?? `imported: ${positionals.map((f) => basename(f)).join(", ")}`,
      });
    } catch (error) {
      for (const sink of sinks) sink.close();
      await bundle.abort();
      if (error instanceof FormatError) throw new UsageError(error.message);
      throw error;
    }
    console.log(`wrote ${values.output}: ${pending.length} run(s) from ${positionals.length} file(s)`);
    for (const [i, p] of pending.entries())
      console.log(
        `  ${uniqueIds(pending.map((q) => runId(q.source, q.suffix)))[i]}: ${p.kind === "histogram" ? "histogram" : "samples"} (${p.test})`,
      );
    return 0;
  },
};
export default importCommand;
