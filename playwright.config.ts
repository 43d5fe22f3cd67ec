import { defineConfig } from "@playwright/test";
import { execFileSync } from "node:child_process";

// One free port per test run, chosen in the runner and inherited by its workers.
process.env.TICKSCOPE_E2E_PORT ??= execFileSync(process.execPath, [
  "-e",
  "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})",
]).toString();
const port = Number(process.env.TICKSCOPE_E2E_PORT);
const baseURL = `http://127.0.0.1:${port}`;

export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** How every test and benchmark launches Debian's Chromium (TICKSCOPE_CHROMIUM names another). */
export const CHROMIUM_LAUNCH = {
  executablePath: process.env.TICKSCOPE_CHROMIUM ?? "/usr/bin/chromium",
  args: CHROMIUM_FLAGS,
};

export default defineConfig({
  testDir: "e2e",
  timeout: 120_000,
  expect: { timeout: 60_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: process.env.CI ? [["list"]] : [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    launchOptions: CHROMIUM_LAUNCH,
  },
  webServer: {
    command: `npm run build --silent && npx next start -H 127.0.0.1 -p ${port}`,
    url: baseURL,
    timeout: 300_000,
    reuseExistingServer: false,
    stdout: "ignore",
    stderr: "pipe",
    env: { NEXT_TELEMETRY_DISABLED: "1", TICKSCOPE_DATA_DIR: process.env.TICKSCOPE_DATA_DIR ?? ".data/e2e" },
  },
});
