import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync } from "node:fs";
import { join } from "node:path";
import { UsageError } from "../command";

export const NATIVE_DIR = join(import.meta.dirname, "..", "..", "native");
export const SAMPLER_PATH = join(NATIVE_DIR, "build", "tickscope-sampler");

/**
 * The native sampler's path: $TICKSCOPE_SAMPLER if set, else the one `npm install` built. Builds it with
 * make when it is missing (a checkout installed with --ignore-scripts), and says how when that fails.
 */
export function samplerPath(): string {
  const override = process.env.TICKSCOPE_SAMPLER;
  if (override) {
    if (!isExecutable(override))
      throw new UsageError(`TICKSCOPE_SAMPLER=${override}: not an executable file`);
    return override;
  }
  if (!isExecutable(SAMPLER_PATH)) {
    if (process.platform !== "linux") throw new UsageError("the native sampler runs on Linux only");
    const make = spawnSync("make", ["-C", NATIVE_DIR, "-s"], { stdio: ["ignore", "ignore", "pipe"] });
    if (make.status !== 0 || !existsSync(SAMPLER_PATH))
      throw new UsageError(
        `the native sampler is not built and \`make -C ${NATIVE_DIR}\` failed` +
          (make.stderr?.length ? `:\n${make.stderr.toString().trim()}` : "") +
          "\ninstall a C compiler and make (Debian: apt-get install gcc make libc6-dev), then run npm install",
        1,
      );
  }
  return SAMPLER_PATH;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
