import { createReadStream, statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { DeleteObjectsCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { chromium } from "@playwright/test";
import { CHROMIUM_LAUNCH } from "../../playwright.config";
import { CORS_BUCKET, S3_CREDENTIALS, startS3Server } from "../../lib/store/testing/s3-server";
import { startServer, type RunningServer } from "../../lib/store/testing/server-process";
import { median, type Figure } from "../figure";

const RUNS = 3;
const ARROW = {
  "content-type": "application/vnd.apache.arrow.file",
  "x-tickscope-filename": "emu-tick.arrow",
};

async function upload(server: RunningServer, path: string): Promise<{ ms: number; link: string }> {
  const start = performance.now();
  const response = await fetch(`${server.url}/api/bundles`, {
    method: "POST",
    headers: { ...ARROW, "content-length": String(statSync(path).size) },
    body: Readable.toWeb(createReadStream(path, { highWaterMark: 1 << 20 })) as ReadableStream,
    duplex: "half",
  } as RequestInit);
  const answer = await response.json();
  if (response.status !== 201)
    throw new Error(`upload failed (${response.status}): ${JSON.stringify(answer)}`);
  return { ms: performance.now() - start, link: answer.url };
}

async function emptyPrefix(client: S3Client, prefix: string) {
  for (;;) {
    const page = await client.send(new ListObjectsV2Command({ Bucket: CORS_BUCKET, Prefix: prefix }));
    const keys = (page.Contents ?? []).map((object) => ({ Key: object.Key! }));
    if (!keys.length) return;
    await client.send(
      new DeleteObjectsCommand({ Bucket: CORS_BUCKET, Delete: { Objects: keys, Quiet: true } }),
    );
  }
}

/** Milliseconds from opening a share link in a fresh browser context to the timeline's overview on screen. */
async function firstOverview(link: string): Promise<number[]> {
  const browser = await chromium.launch(CHROMIUM_LAUNCH);
  try {
    const times: number[] = [];
    for (let i = 0; i <= RUNS; i++) {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      const page = await context.newPage();
      const start = Date.now();
      await page.goto(link);
      await page.locator('[data-testid="panel-timeline"][data-state="ready"]').waitFor({ timeout: 600_000 });
      await page.evaluate(
        () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))),
      );
      if (i > 0) times.push(Date.now() - start); // the first opening warms the server's routes
      await context.close();
    }
    return times;
  } finally {
    await browser.close();
  }
}

/**
 * The S3 store (#14) against s3rver on this machine: a run's upload into the bucket beside the
 * filesystem store's, and a 50M-sample run's first overview opened from presigned URLs beside the
 * same run served by the app. `fsServer` is the filesystem-store server the suite already runs.
 */
export async function s3StoreFigures(
  run: string,
  fsServer: RunningServer,
  fsUploadSeconds: number,
): Promise<Figure[]> {
  const megabytes = statSync(run).size / 1e6;
  const objects = await mkdtemp(join(tmpdir(), "tickscope-bench-s3-"));
  const scratch = await mkdtemp(join(tmpdir(), "tickscope-bench-s3-scratch-"));
  const s3 = await startS3Server(objects);
  const client = new S3Client({
    endpoint: s3.endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: {
      accessKeyId: S3_CREDENTIALS.AWS_ACCESS_KEY_ID,
      secretAccessKey: S3_CREDENTIALS.AWS_SECRET_ACCESS_KEY,
    },
  });
  const server = await startServer({ ...s3.env(CORS_BUCKET, "bench"), TICKSCOPE_DATA_DIR: scratch });
  try {
    const times: number[] = [];
    let link = "";
    for (let i = 0; i < RUNS; i++) {
      await emptyPrefix(client, "bench/");
      ({ ms: times[i], link } = await upload(server, run));
    }
    const s3Upload = median(times) / 1000;
    const direct = median(await firstOverview(link));
    const served = median(await firstOverview((await upload(fsServer, run)).link));
    const rate = (seconds: number) => `${(megabytes / seconds).toFixed(0)} MB/s`;
    return [
      {
        name: `upload a ${megabytes.toFixed(0)} MB run into S3 (s3rver on this machine), validated and summarized`,
        median: s3Upload,
        unit: "s",
        runs: RUNS,
        target: "reported beside the filesystem store's",
        note: `${rate(s3Upload)}; the filesystem store: ${rate(fsUploadSeconds)}`,
      },
      {
        name: "first overview of a 50M-sample run opened from its link, files from presigned S3 URLs",
        median: direct,
        unit: "ms",
        runs: RUNS,
        target: "within 20% of the app-served one",
        limit: served * 1.2,
        naive: { name: "the same run served by the app (filesystem store)", median: served },
        note: `${((direct / served - 1) * 100).toFixed(0)}% against the app-served one`,
      },
    ];
  } finally {
    await server.stop();
    await s3.stop();
    await rm(objects, { recursive: true, force: true });
    await rm(scratch, { recursive: true, force: true });
  }
}
