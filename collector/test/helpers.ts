import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { tableFromIPC, type Table } from "apache-arrow";
import { expect } from "vitest";
import { summarizeBundleRun } from "../../lib/analysis/summarize-bundle";
import { openPathAsBundle } from "../../lib/format/node-source";
import { SAMPLER_PATH } from "../src/native/sampler-binary";
import { tempDir } from "../../lib/format/testing/temp-dir";

export { tempDir };

export const REPO = join(import.meta.dirname, "..", "..");

export function ensureSampler(): string {
  const make = spawnSync("make", ["-C", join(REPO, "collector", "native"), "-s"], { encoding: "utf8" });
  if (make.status !== 0) throw new Error(`make failed: ${make.stderr}`);
  return SAMPLER_PATH;
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function run(
  command: string,
  args: string[],
  options: { killAfterMs?: number; signal?: NodeJS.Signals } = {},
): Promise<Finished> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => {
      stdout += c;
      // Interrupt once the run is visibly under way: its first progress line.
      if (options.killAfterMs !== undefined && stdout.includes('"progress"') && !timer)
        timer = setTimeout(() => child.kill(options.signal ?? "SIGINT"), options.killAfterMs);
    });
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    let timer: NodeJS.Timeout | undefined;
    child.on("close", (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

export function readTable(path: string): Table {
  return tableFromIPC(readFileSync(path));
}

export function runMetadata(table: Table): Record<string, unknown> {
  return JSON.parse(table.schema.metadata.get("latency:run") ?? "{}");
}

/** Every run of a bundle (folder, zip or one run file) summarised by lib/analysis, the bundle clean. */
export async function summaries(path: string) {
  const bundle = await openPathAsBundle(path);
  try {
    expect(bundle.problems).toEqual([]);
    const out = [];
    for (const r of bundle.runs) out.push(await summarizeBundleRun(bundle, r));
    return { bundle, out };
  } finally {
    await bundle.close();
  }
}

export const CLI = join(REPO, "collector", "bin", "tickscope.mjs");

/** `tickscope collect tick ARGS` into a fresh bundle folder, as a user runs it (no progress line). */
export async function collectTick(args: string[]): Promise<{ out: string; done: Finished }> {
  const out = join(tempDir(), "bundle");
  const done = await run(process.execPath, [CLI, "collect", "tick", ...args, "--no-progress", "-o", out]);
  return { out, done };
}

/**
 * `tickscope collect tick ARGS` in its own process group, so that one kill reaches the launcher, the CLI
 * and the sampler together; `folderWith` waits (up to 30 s) for the bundle being built beside `out` to
 * hold `relative`, and gives that folder. For tests that kill a collector mid-run.
 */
export function startKillableCollect(args: string[]) {
  const dir = tempDir();
  const cli = spawn(
    process.execPath,
    [CLI, "collect", "tick", ...args, "--no-progress", "-o", join(dir, "bundle")],
    { stdio: ["ignore", "ignore", "pipe"], detached: true },
  );
  let stderr = "";
  cli.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
  const closed = new Promise((resolve) => cli.on("close", resolve));
  return {
    stderr: () => stderr,
    async folderWith(relative: string): Promise<string> {
      for (let i = 0; i < 600; i++) {
        await new Promise((r) => setTimeout(r, 50));
        const [name] = readdirSync(dir);
        if (name && existsSync(join(dir, name, relative))) return join(dir, name);
      }
      return "";
    },
    async kill(): Promise<void> {
      process.kill(-cli.pid!, "SIGKILL");
      await closed;
    },
  };
}
