import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Builds the app (unless told not to) and starts `next start`; resolves once it answers. `cwd` serves
 * another checkout's build (a comparison with main, say).
 */
export async function startApp(cwd = process.cwd()): Promise<{ url: string; stop(): void }> {
  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
  if (process.env.TICKSCOPE_BENCH_NO_BUILD !== "1") {
    // As `npm run build` does (prebuild): without the shared engine's script for this source, the page
    // falls back to a dedicated worker, and a benchmark would measure that without saying so.
    const copy = spawnSync("node", ["scripts/copy-duckdb-assets.mjs"], { stdio: "inherit", env, cwd });
    if (copy.status !== 0) throw new Error("copying DuckDB's files failed");
    const build = spawnSync("npx", ["next", "build"], { stdio: "inherit", env, cwd });
    if (build.status !== 0) throw new Error("next build failed");
  }
  const port = await freePort();
  const child: ChildProcess = spawn("npx", ["next", "start", "-H", "127.0.0.1", "-p", String(port)], {
    stdio: "ignore",
    env,
    cwd,
    detached: true,
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(url)).ok) break;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    stop: () => {
      if (child.pid) process.kill(-child.pid, "SIGTERM");
    },
  };
}
