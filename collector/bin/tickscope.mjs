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
// A young generation of 1 MiB semi-spaces (V8's default grows to 16 MiB each): short-lived garbage is
// collected within a MiB of being made instead of piling up by tens of MiB before a scavenge, so the CLI's
// peak (a run's end: summary, events) is what it holds, not when V8 last collected (#12: 5 s and 20 s runs
// at 1M samples/s peaked 156-271 MiB with the default, 119-150 MiB with this). The old generation's limit
// is untouched: nothing long-lived is refused, so a 72 h run is not nearer an out-of-memory.
// glibc's malloc raises its mmap threshold each time a large block is freed (up to 32 MiB), after which
// array buffers of a MiB (a record batch's columns) come from its heap and stay in the resident set once
// freed; a fixed threshold keeps them mapped, so freeing one gives it back. Set only if the user has not.
const env = { MALLOC_MMAP_THRESHOLD_: String(128 << 10), ...process.env };
const child = spawn(
  process.execPath,
  ["--max-semi-space-size=1", "--import", loader, cli, ...process.argv.slice(2)],
  { stdio: "inherit", env },
);
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => child.kill(signal));
child.on("close", (code, signal) => {
  if (!signal) process.exit(code ?? 1);
  process.removeAllListeners(signal);
  process.kill(process.pid, signal);
});
