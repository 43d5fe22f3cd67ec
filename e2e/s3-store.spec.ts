import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test, type Page, type Request } from "@playwright/test";
import { CORS_BUCKET, startS3Server, type S3TestServer } from "../lib/store/testing/s3-server";
import { startServer, type RunningServer } from "../lib/store/testing/server-process";
import { encodeTickRun } from "./fixtures/bundles";

// The app with TICKSCOPE_STORE=s3://…, its bucket on s3rver (started here, in its own process). Presigned
// URLs last 10 s, so that a viewer who keeps exploring outlives them.
const EXPIRY_SECONDS = 10;
let s3: S3TestServer;
let app: RunningServer;
let scratch: string;
let objects: string;

test.beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), "tickscope-e2e-s3-scratch-"));
  objects = mkdtempSync(join(tmpdir(), "tickscope-e2e-s3-objects-"));
  s3 = await startS3Server(objects);
  app = await startServer({
    ...s3.env(CORS_BUCKET, "e2e"),
    TICKSCOPE_DATA_DIR: scratch,
    TICKSCOPE_S3_URL_EXPIRY_SECONDS: String(EXPIRY_SECONDS),
  });
});

test.afterAll(async () => {
  await app?.stop();
  await s3?.stop();
  rmSync(scratch, { recursive: true, force: true });
  rmSync(objects, { recursive: true, force: true });
});

interface Read {
  url: string;
  range: string | null;
}

/** Every request a page (and its workers) makes for a run file or a summary, and every index request. */
function watchReads(page: Page) {
  const reads: Read[] = [];
  const indexes: string[] = [];
  const statuses: string[] = [];
  page.on("request", (request: Request) => {
    const url = request.url();
    if (/\/runs\/|\.arrow|summaries\//.test(url))
      reads.push({ url, range: request.headers()["range"] ?? null });
    if (/\/api\/bundles\/[A-Za-z0-9_-]{22}$/.test(url.split("?")[0])) indexes.push(url);
  });
  page.on("response", (response) => {
    if (/\/runs\//.test(response.url())) statuses.push(`${response.status()}`);
  });
  return { reads, indexes, statuses };
}

test("a bundle stored in S3 opens from its link in a fresh browser, its files read from the bucket by Range", async ({
  browser,
}) => {
  const { bytes } = encodeTickRun({
    id: "emulated-tick",
    environment: "emulated",
    scenario: "one-to-all",
    options: { samples: 400_000, worst: { atNs: 7.5e9, valueNs: 6_270_000 } },
  });
  const uploaded = await fetch(`${app.url}/api/bundles`, {
    method: "POST",
    headers: {
      "content-type": "application/vnd.apache.arrow.file",
      "x-tickscope-filename": "emulated-tick.arrow",
    },
    body: Buffer.from(bytes),
  });
  expect(uploaded.status).toBe(201);
  const { url: link } = await uploaded.json();
  expect(new URL(link).origin).toBe(app.url);

  const context = await browser.newContext();
  const violations: string[] = [];
  await context.exposeFunction("__violation", (v: string) => violations.push(v));
  await context.addInitScript(() =>
    document.addEventListener("securitypolicyviolation", (event) =>
      (window as unknown as { __violation(v: string): void }).__violation(
        `${event.violatedDirective} ${event.blockedURI}`,
      ),
    ),
  );
  const page = await context.newPage();
  const { reads, indexes, statuses } = watchReads(page);
  await page.goto(link);
  await expect(page.getByTestId("shared-bundles")).toHaveAttribute("data-state", "ready");
  await expect(page.getByTestId("panel-timeline")).toHaveAttribute("data-state", "ready");
  await expect(page.getByTestId("worst-value")).toHaveText("6.27 ms");

  // Keep exploring past the URLs' life: the raw window's batches need fresh ones.
  await page.waitForTimeout(EXPIRY_SECONDS * 1000 + 1_000);
  const before = reads.length;
  await page.getByRole("button", { name: "Zoom to worst spike" }).click();
  await expect(page.getByTestId("timeline-chart")).toHaveAttribute("data-drawn", /raw$/);
  await expect(page.getByTestId("worst-value")).toHaveText("6.27 ms");
  expect(reads.length).toBeGreaterThan(before);
  expect(indexes.length).toBeGreaterThan(1);

  // Every run-file and summary read went to the bucket, by Range, and none through the app server.
  expect(reads.length).toBeGreaterThan(0);
  const s3Origin = new URL(s3.endpoint).origin;
  for (const read of reads) {
    expect(new URL(read.url).origin, read.url).toBe(s3Origin);
    expect(read.url).toContain("X-Amz-Signature=");
  }
  const runReads = reads.filter((read) => /\/runs\//.test(read.url));
  expect(runReads.length).toBeGreaterThan(1);
  for (const read of runReads) expect(read.range, read.url).toMatch(/^bytes=\d+-\d+$/);
  expect(
    statuses.every((status) => status === "206"),
    statuses.join(),
  ).toBe(true);
  expect(violations).toEqual([]);
  await context.close();
});
