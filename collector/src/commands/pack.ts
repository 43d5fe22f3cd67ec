import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { MANIFEST_FILE } from "../../../lib/format/contract";
import { writeBundleZip } from "../../../lib/format/bundle-writer";
import { FormatError } from "../../../lib/format/errors";
import { manifestSchema } from "../../../lib/format/manifest";
import { UsageError, type Command } from "../command";
import { checkNewOutputFile, parseOptions } from "../options";

const pack: Command = {
  summary: "zip a bundle folder (manifest and run files) into one file to share or upload",
  usage: "pack DIR -o FILE.zip",
  async run(args) {
    const { values, positionals } = parseOptions(args, { output: { type: "string", short: "o" } });
    if (positionals.length !== 1) throw new UsageError("expected one bundle folder: pack DIR -o FILE.zip");
    const dir = positionals[0];
    const manifestPath = join(dir, MANIFEST_FILE);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`${dir}: not a folder`);
    if (!existsSync(manifestPath))
      throw new UsageError(`${dir}: no ${MANIFEST_FILE}; is this a bundle folder?`);
    const out = checkNewOutputFile(values.output);
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(manifestPath, "utf8"));
    } catch (error) {
      throw new UsageError(
        `${manifestPath}: expected JSON, found a syntax error (${(error as Error).message})`,
      );
    }
    const parsed = manifestSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new UsageError(`${manifestPath}, key "${issue.path.join(".")}": ${issue.message}`);
    }
    try {
      const bytes = await writeBundleZip(dir, parsed.data, out);
      console.log(
        `wrote ${values.output}: ${parsed.data.runs.length} run(s), ${(bytes / 1048576).toFixed(1)} MiB`,
      );
    } catch (error) {
      if (error instanceof FormatError) throw new UsageError(error.message);
      throw error;
    }
    return 0;
  },
};
export default pack;
