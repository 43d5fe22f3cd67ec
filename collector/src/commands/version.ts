import { readFileSync } from "node:fs";
import { join } from "node:path";
import { BUNDLE_VERSION } from "../../../lib/format/contract";
import type { Command } from "../command";

const version: Command = {
  summary: "print tickscope's version and the bundle format version it writes",
  usage: "version",
  async run() {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, "..", "..", "..", "package.json"), "utf8"));
    console.log(`tickscope ${pkg.version} (bundle format ${BUNDLE_VERSION})`);
    return 0;
  },
};
export default version;
