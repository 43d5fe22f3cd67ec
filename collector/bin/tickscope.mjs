#!/usr/bin/env node
// `npx tickscope <command>`: runs the TypeScript CLI with tsx's loader, so no build step is needed.
// Signals are passed on, so Ctrl-C or `kill` reaches a running test, which still writes its samples.
// The loader (`node --import tsx`), not tsx's own CLI: that one relays a signal through a message it waits
// 30 ms for, then kills a busy child with SIGKILL (seen: Ctrl-C mid-run lost the run, exit 130).
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const loader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const cli = join(here, "..", "src", "cli.ts");
const child = spawn(process.execPath, ["--import", loader, cli, ...process.argv.slice(2)], {
  stdio: "inherit",
});
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => child.kill(signal));
child.on("close", (code, signal) => {
  if (!signal) process.exit(code ?? 1);
  process.removeAllListeners(signal);
  process.kill(process.pid, signal);
});
