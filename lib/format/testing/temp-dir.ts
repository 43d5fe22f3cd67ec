import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";

const made: string[] = [];

/** A new folder under the system's temp folder, removed when the test file that made it ends. */
export function tempDir(prefix = "tickscope-test-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

// Registered on each test file that imports this (modules are evaluated once per file): real sampler runs
// leave hundreds of MB a file, and a machine that runs the suite daily fills its disk.
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});
