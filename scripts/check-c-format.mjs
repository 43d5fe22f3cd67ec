// `npm run lint`, the native part: every C file under collector/native is as .clang-format writes it.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..");
const SOURCE = join(ROOT, "collector", "native", "src");
const files = readdirSync(SOURCE)
  .filter((name) => /\.[ch]$/.test(name))
  .map((name) => join(SOURCE, name));

const clangFormat = process.env.CLANG_FORMAT ?? "clang-format";
const result = spawnSync(clangFormat, ["--dry-run", "--Werror", "--style=file", ...files], {
  cwd: ROOT,
  encoding: "utf8",
});
if (result.error) {
  console.error(
    `check-c-format: cannot run ${clangFormat} (${result.error.message}). Install it ` +
      "(Debian: apt-get install clang-format; .ci/run does) or name it in CLANG_FORMAT.",
  );
  process.exit(1);
}
if (result.status !== 0) {
  process.stderr.write(result.stderr);
  console.error(
    "check-c-format: collector/native does not match .clang-format; `clang-format -i collector/native/src/*.[ch]` fixes it.",
  );
  process.exit(1);
}
console.log(`check-c-format: ${files.length} C files match .clang-format`);
