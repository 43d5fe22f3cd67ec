// `npm run demo`: builds the app and starts it, then says where to open it.
import { spawn, spawnSync } from "node:child_process";

const port = process.env.PORT ?? "3000";
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
const npx = process.platform === "win32" ? "npx.cmd" : "npx";

console.log("tickscope demo: building the dashboard…");
const build = spawnSync(npx, ["next", "build"], { stdio: "inherit", env });
if (build.status !== 0) process.exit(build.status ?? 1);

const server = spawn(npx, ["next", "start", "-p", port], { stdio: ["ignore", "pipe", "inherit"], env });
server.stdout.on("data", (chunk) => {
  process.stdout.write(chunk);
  if (String(chunk).includes("Ready"))
    console.log(`\ntickscope is running: open http://localhost:${port}  (Ctrl-C stops it)\n`);
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => process.exit(code ?? 0));
