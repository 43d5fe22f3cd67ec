// `npm run demo`: captures a short real set on this machine with the collector (about 30 s: the tick
// alone, the tick beside a memory load, thread switches at 2 and 1000 threads), then builds and starts
// the dashboard and prints the address that opens it. Where capturing is impossible (not Linux, no
// privilege, no sampler) it says why and opens the sample bundles shipped in samples/ instead.
import { spawn, spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";

const port = process.env.PORT ?? "3000";
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
const root = resolve(import.meta.dirname, "..");
const tickscope = [join(root, "collector/bin/tickscope.mjs")];
const demoDir = join(root, ".data/demo");
const samplesDir = join(root, "samples");
const PER_TEST = process.env.TICKSCOPE_DEMO_SECONDS ?? "7s";

function run(args, options = {}) {
  return spawnSync(process.execPath, [...tickscope, ...args], {
    cwd: root,
    env,
    encoding: "utf8",
    ...options,
  });
}

function whyNoCapture() {
  if (process.platform !== "linux") return `capturing needs Linux (this is ${process.platform})`;
  if (!existsSync(join(root, "collector/native/build/tickscope-sampler")))
    return "the native sampler is not built (npm install builds it; it needs a C compiler)";
  return null;
}

/** Runs the collector; returns null on success, else the reason it gave. */
function capture() {
  const reason = whyNoCapture();
  if (reason) return reason;
  rmSync(demoDir, { recursive: true, force: true });
  mkdirSync(demoDir, { recursive: true });
  console.log(`tickscope demo: capturing on this machine (${PER_TEST} per test, about 30 s)…`);
  const matrix = run(
    [
      "collect",
      "matrix",
      "--duration",
      PER_TEST,
      "--scenario",
      "one-to-all",
      "--no-progress",
      "-o",
      join(demoDir, "matrix"),
    ],
    { stdio: ["ignore", "inherit", "pipe"] },
  );
  if (matrix.status !== 0)
    return (matrix.stderr || "the collector failed").trim().split("\n").slice(-3).join(" ");
  // The study's memory-load scenario: a memcpy loop beside the tick test.
  const load = spawn(process.execPath, [...tickscope, "load", "memory", "--duration", "60s"], {
    cwd: root,
    env,
    stdio: "ignore",
  });
  const tick = run(
    [
      "collect",
      "tick",
      "--duration",
      PER_TEST,
      "--scenario",
      "memory-load",
      "--no-progress",
      "-o",
      join(demoDir, "tick-memory-load"),
    ],
    { stdio: ["ignore", "inherit", "pipe"] },
  );
  load.kill("SIGTERM");
  if (tick.status !== 0)
    console.log(
      `tickscope demo: the memory-load run failed: ${(tick.stderr || "").trim().split("\n").at(-1)}`,
    );
  return null;
}

const failed =
  process.env.TICKSCOPE_DEMO_SAMPLES === "1"
    ? "TICKSCOPE_DEMO_SAMPLES=1 asked for the shipped samples"
    : capture();
let servedFrom = demoDir;
if (failed) {
  servedFrom = samplesDir;
  const shipped = existsSync(samplesDir)
    ? readdirSync(samplesDir).filter((n) => existsSync(join(samplesDir, n, "manifest.json")))
    : [];
  console.log(`\ntickscope demo: not capturing here: ${failed}.`);
  console.log(
    `Opening the sample bundles captured earlier with the collector instead: ${shipped.join(", ") || "none found"}.\n`,
  );
}

// What the fingerprints already explain (RT throttling's stall every second), said beside the address.
const notes = spawnSync(
  process.execPath,
  [createRequire(import.meta.url).resolve("tsx/cli"), join(root, "scripts/demo-notes.ts"), servedFrom],
  { cwd: root, env, encoding: "utf8" },
);
const noteLines = notes.stdout.trim() ? notes.stdout.trim().split("\n") : [];
if (notes.status !== 0) console.log(`tickscope demo: could not read the host notes: ${notes.stderr.trim()}`);

console.log("tickscope demo: building the dashboard…");
const build = spawnSync("npx", ["next", "build"], { cwd: root, stdio: "inherit", env });
if (build.status !== 0) process.exit(build.status ?? 1);

const server = spawn("npx", ["next", "start", "-p", port], {
  cwd: root,
  stdio: ["ignore", "pipe", "inherit"],
  env: { ...env, TICKSCOPE_DEMO_DIR: servedFrom },
  // Its own process group, so that stopping the demo stops next-server under npx too.
  detached: true,
});
server.stdout.on("data", (chunk) => {
  process.stdout.write(chunk);
  if (String(chunk).includes("Ready")) {
    console.log(`\ntickscope is running: open http://localhost:${port}/?demo=1  (Ctrl-C stops it)`);
    for (const line of noteLines) console.log(line);
    console.log("");
  }
});
for (const signal of ["SIGINT", "SIGTERM"])
  process.on(signal, () => {
    try {
      process.kill(-server.pid, signal);
    } catch {
      server.kill(signal);
    }
  });
server.on("exit", (code) => process.exit(code ?? 0));
