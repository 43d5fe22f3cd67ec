// Profiles opening one run file in the dashboard, in real Chromium: a CPU profile of the run worker and
// of the page from the moment the file is chosen until the overview is on screen (and until every
// statistic is ready), written as .cpuprofile files (open them in Chrome DevTools' Performance panel),
// plus the worker's self time per function and per phase printed here.
//
//   npx tsx bench/ui/profile-open.ts FILE.arrow [OUT_DIR]   (builds the app unless TICKSCOPE_BENCH_NO_BUILD=1)
import { mkdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { chromium, type CDPSession } from "@playwright/test";
import { CHROMIUM_LAUNCH } from "../../playwright.config";
import { startApp } from "./server";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** A CDP session to one worker, through the page's session (Target.sendMessageToTarget). */
class WorkerSession {
  private next = 1;
  private readonly waits = new Map<number, (result: unknown) => void>();
  constructor(
    private readonly page: CDPSession,
    readonly sessionId: string,
  ) {}
  receive(message: { id?: number; result?: unknown; error?: unknown }) {
    if (message.id === undefined) return;
    const wait = this.waits.get(message.id);
    this.waits.delete(message.id);
    wait?.(message.result ?? message.error);
  }
  send<T = unknown>(method: string, params: object = {}): Promise<T> {
    const id = this.next++;
    return new Promise((resolve) => {
      this.waits.set(id, resolve as (r: unknown) => void);
      void this.page.send("Target.sendMessageToTarget", {
        sessionId: this.sessionId,
        message: JSON.stringify({ id, method, params }),
      });
    });
  }
}

/** Self time per function (ms), biggest first. */
function selfTimes(profile: Profile): { name: string; ms: number }[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i])!;
    const f = node.callFrame;
    const name = `${f.functionName || "(anonymous)"} ${f.url ? `${basename(f.url)}:${f.lineNumber + 1}` : ""}`;
    totals.set(name, (totals.get(name) ?? 0) + (profile.timeDeltas[i + 1] ?? 0) / 1000);
  }
  return [...totals.entries()].map(([name, ms]) => ({ name, ms })).sort((a, b) => b.ms - a.ms);
}

async function main() {
  const [file, outDir = "profile-results"] = process.argv.slice(2);
  if (!file) throw new Error("usage: tsx bench/ui/profile-open.ts FILE.arrow [OUT_DIR]");
  mkdirSync(outDir, { recursive: true });
  const app = await startApp();
  const browser = await chromium.launch(CHROMIUM_LAUNCH);
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(app.url);
    await page
      .getByTestId("duckdb-status")
      .and(page.locator('[data-state="ready"]'))
      .waitFor({ timeout: 120_000 });
    const cdp = await page.context().newCDPSession(page);
    const workers = new Map<string, WorkerSession>();
    const started: Promise<void>[] = [];
    cdp.on("Target.receivedMessageFromTarget", (event) => {
      workers.get(event.sessionId)?.receive(JSON.parse(event.message));
    });
    cdp.on("Target.attachedToTarget", (event) => {
      if (event.targetInfo.type !== "worker") return;
      const worker = new WorkerSession(cdp, event.sessionId);
      workers.set(event.sessionId, worker);
      started.push(
        (async () => {
          await worker.send("Profiler.enable");
          await worker.send("Profiler.setSamplingInterval", { interval: 200 });
          await worker.send("Profiler.start");
          await worker.send("Runtime.runIfWaitingForDebugger");
        })(),
      );
    });
    await cdp.send("Target.setAutoAttach", {
      autoAttach: true,
      waitForDebuggerOnStart: true,
      flatten: false,
    });
    await cdp.send("Profiler.enable");
    await cdp.send("Profiler.setSamplingInterval", { interval: 500 });
    await cdp.send("Profiler.start");

    const start = Date.now();
    const chosenAt = await page.evaluate(() => performance.now());
    await page.getByTestId("open-files").setInputFiles([file]);
    await page.locator('[data-testid="panel-timeline"][data-state="ready"]').waitFor({ timeout: 600_000 });
    const overview = Date.now() - start;
    // The page's side: when the summary message arrived, and when the timeline said ready.
    const summaryAt = await page.evaluate(
      () =>
        performance.getEntriesByType("mark").find((m) => m.name.startsWith("run:summary"))?.startTime ?? NaN,
    );
    const readyAt = await page.evaluate(() => performance.now());
    console.log(
      `summary message ${Math.round(summaryAt - chosenAt)} ms after the choice; timeline seen ready ${Math.round(readyAt - chosenAt)} ms after it`,
    );
    await page.locator('[data-testid="run-row"][data-state="ready"]').waitFor({ timeout: 600_000 });
    const stats = Date.now() - start;
    await Promise.all(started);

    const { profile: main } = await cdp.send("Profiler.stop");
    writeFileSync(join(outDir, "page.cpuprofile"), JSON.stringify(main));
    console.log(`overview ${overview} ms, every statistic ${stats} ms`);
    console.log("\npage, self time:");
    for (const row of selfTimes(main as unknown as Profile).slice(0, 15))
      console.log(`${row.ms.toFixed(1).padStart(9)} ms  ${row.name}`);
    let i = 0;
    for (const worker of workers.values()) {
      const { profile } = await worker.send<{ profile: Profile }>("Profiler.stop");
      if (!profile) continue;
      writeFileSync(join(outDir, `worker-${i}.cpuprofile`), JSON.stringify(profile));
      console.log(
        `\nworker ${i++}, ${((profile.endTime - profile.startTime) / 1000).toFixed(0)} ms profiled, self time:`,
      );
      for (const row of selfTimes(profile).slice(0, 25))
        console.log(`${row.ms.toFixed(1).padStart(9)} ms  ${row.name}`);
    }
  } finally {
    await browser.close();
    app.stop();
  }
}

await main();
