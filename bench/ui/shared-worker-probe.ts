// Does a named SharedWorker started with `extendedLifetime: true` keep its state across navigations here,
// and for how long after its last client has gone? A minimal page, outside the app: a bare HTTP server
// gives a page and a worker script from one origin; the worker keeps a random id and a counter that each
// connection increments. The page reports what the worker answered. Chromium is launched as every test is
// (playwright.config's CHROMIUM_LAUNCH).
//   npx tsx bench/ui/shared-worker-probe.ts [--gaps=0,1000,5000,30000]
// Found on Chromium 150 (docs/architecture.md, "Keeping DuckDB across navigations"): kept across goto and
// reload, and with no client for up to 120 s (gone after 330 s); a plain SharedWorker is new on every page.
import { createServer } from "node:http";
import { chromium, type Page } from "@playwright/test";
import { CHROMIUM_LAUNCH } from "../../playwright.config";

const gaps = (process.argv.find((a) => a.startsWith("--gaps="))?.slice(7) ?? "0,1000,5000,30000")
  .split(",")
  .map(Number);

const WORKER = `
const id = Math.random().toString(36).slice(2);
let connections = 0;
const started = Date.now();
onconnect = (event) => {
  const port = event.ports[0];
  connections++;
  port.postMessage({ id, connections, aliveMs: Date.now() - started });
};`;

const PAGE = `<!doctype html><script>
window.answer = new Promise((resolve) => {
  const name = new URLSearchParams(location.search).get("name") || "probe";
  const extended = !new URLSearchParams(location.search).has("plain");
  const worker = new SharedWorker("/worker.js", extended ? { name, extendedLifetime: true } : { name });
  worker.port.onmessage = (e) => resolve(e.data);
  worker.port.start();
});
</script>`;

interface Answer {
  id: string;
  connections: number;
  aliveMs: number;
}

const answer = (page: Page) => page.evaluate(() => (window as unknown as { answer: Promise<Answer> }).answer);

async function main() {
  const server = createServer((req, res) => {
    const js = req.url?.startsWith("/worker.js");
    res.writeHead(200, { "content-type": js ? "text/javascript" : "text/html" });
    res.end(js ? WORKER : PAGE);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  const origin = `http://127.0.0.1:${port}`;
  const browser = await chromium.launch(CHROMIUM_LAUNCH);
  console.log(`Chromium ${browser.version()}`);
  try {
    for (const plain of [false, true]) {
      const kind = plain ? "plain SharedWorker" : "extendedLifetime";
      // Tabs of one browser profile share a context (its storage), as a user's tabs do.
      const context = await browser.newContext();
      const page = await context.newPage();
      const q = (name: string) => `?name=${name}${plain ? "&plain" : ""}`;
      await page.goto(`${origin}/a${q("nav")}`);
      const first = await answer(page);
      await page.goto(`${origin}/b${q("nav")}`);
      const afterGoto = await answer(page);
      await page.reload();
      const afterReload = await answer(page);
      console.log(
        `${kind}: page.goto same origin kept=${afterGoto.id === first.id} (connections ${afterGoto.connections}); reload kept=${afterReload.id === first.id} (connections ${afterReload.connections})`,
      );
      for (const gap of gaps) {
        const name = `gap${gap}`;
        await page.goto(`${origin}/a${q(name)}`);
        const before = await answer(page);
        await page.goto("about:blank");
        await page.waitForTimeout(gap);
        await page.goto(`${origin}/a${q(name)}`);
        const after = await answer(page);
        console.log(
          `${kind}: no client for ${gap} ms (about:blank between) kept=${after.id === before.id} (alive ${after.aliveMs} ms)`,
        );
      }
      // A second tab with the same name attaches to the same worker (the reason each tab needs its own name).
      await page.goto(`${origin}/a${q("tabs")}`);
      const mine = await answer(page);
      const other = await context.newPage();
      await other.goto(`${origin}/a${q("tabs")}`);
      const shared = await answer(other);
      console.log(`${kind}: another live tab, same name, same worker=${shared.id === mine.id}`);
      await context.close();
    }
  } finally {
    await browser.close();
    server.close();
  }
}

void main();
