// Builds the collector's native sampler with the system C compiler. A machine without one can still
// use the dashboard, so a missing compiler is reported, not fatal.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const native = join(dirname(fileURLToPath(import.meta.url)), "..", "collector", "native");
if (!existsSync(join(native, "Makefile"))) process.exit(0);
if (process.platform !== "linux") {
  console.warn("build-native: the sampler runs on Linux only; skipped on", process.platform);
  process.exit(0);
}
const cc = spawnSync("cc", ["--version"], { stdio: "ignore" });
if (cc.status !== 0) {
  console.warn("build-native: no C compiler (cc) found; install gcc and make to build the sampler");
  process.exit(0);
}
const make = spawnSync("make", ["-C", native, "-s"], { stdio: "inherit" });
process.exit(make.status ?? 1);
