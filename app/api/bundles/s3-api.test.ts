import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeSummary } from "@/lib/summary";
import { BUNDLE_ID_PATTERN } from "@/lib/store/store";
import { sha256, testBundle, type TestBundle } from "@/lib/store/testing/bundles";
import { bytesOf, halfUpload, servedSha256 } from "@/lib/store/testing/interrupted-upload";
import { MALFORMED_UPLOADS, TEST_LIMITS, TOKEN } from "@/lib/store/testing/malformed-uploads";
import {
  CORS_BUCKET,
  PLAIN_BUCKET,
  S3_CREDENTIALS,
  startS3Server,
  type S3TestServer,
} from "@/lib/store/testing/s3-server";
import {
  ensureProductionBuild,
  freePort,
  startServer,
  type RunningServer,
} from "@/lib/store/testing/server-process";

// The real production server (`next start`) with TICKSCOPE_STORE=s3://…, against s3rver in its own process.
let s3: S3TestServer;
let server: RunningServer;
let scratch: string;
let objects: string;
let client: S3Client;

beforeAll(async () => {
  ensureProductionBuild();
  scratch = await mkdtemp(join(tmpdir(), "tickscope-s3-scratch-"));
  objects = await mkdtemp(join(tmpdir(), "tickscope-s3-objects-"));
  s3 = await startS3Server(objects);
  client = new S3Client({
    endpoint: s3.endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: {
      accessKeyId: S3_CREDENTIALS.AWS_ACCESS_KEY_ID,
      secretAccessKey: S3_CREDENTIALS.AWS_SECRET_ACCESS_KEY,
    },
  });
  server = await startServer({ ...s3.env(CORS_BUCKET, "main"), TICKSCOPE_DATA_DIR: scratch });
}, 300_000);

afterAll(async () => {
  await server?.stop();
  await s3?.stop();
  await rm(scratch, { recursive: true, force: true });
  await rm(objects, { recursive: true, force: true });
});

async function keys(bucket: string, prefix: string): Promise<string[]> {
  const out: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    out.push(...(page.Contents ?? []).map((object) => object.Key!));
    token = page.NextContinuationToken;
  } while (token);
  return out;
}

async function upload(bundle: TestBundle, base = server.url) {
  return fetch(`${base}/api/bundles`, {
    method: "POST",
    headers: { "content-type": "application/zip" },
    body: Buffer.from(bundle.zip),
  });
}

interface OpenEntry {
  path: string;
  url: string;
  size: number;
}

describe("an S3 store: POST /api/bundles then GET", () => {
  it("stores 20 concurrent uploads intact, each under its own id, read by Range from presigned URLs", async () => {
    const bundles = Array.from({ length: 20 }, (_, i) => testBundle(i + 1, 20_000 + i * 500));
    const created = await Promise.all(
      bundles.map(async (bundle) => {
        const response = await upload(bundle);
        return { status: response.status, body: await response.json() };
      }),
    );
    expect(created.map((c) => c.status)).toEqual(bundles.map(() => 201));
    expect(new Set(created.map((c) => c.body.id)).size).toBe(20);

    await Promise.all(
      bundles.map(async (bundle, i) => {
        const { id } = created[i].body;
        expect(id).toMatch(BUNDLE_ID_PATTERN);
        const response = await fetch(`${server.url}/api/bundles/${id}`);
        expect(response.headers.get("cache-control")).toBe("no-store");
        const index = await response.json();
        expect(index.expires_in).toBe(900);
        expect(index.runs.map((run: { count: number }) => run.count)).toEqual([
          20_000 + i * 500,
          20_000 + i * 500,
        ]);
        const open = index.open as OpenEntry[];
        expect(open.map((file) => file.path)).toEqual([
          "manifest.json",
          "runs/emu-tick.arrow",
          "runs/enl-tick.arrow",
          ".tickscope/summaries/0.bin",
          ".tickscope/summaries/1.bin",
        ]);
        for (const file of open) {
          expect(file.url.startsWith(`${s3.endpoint}/${CORS_BUCKET}/main/blobs/`)).toBe(true);
          expect(file.url).toContain("X-Amz-Signature=");
        }
        for (const file of open.filter((f) => f.path.startsWith("runs/"))) {
          const whole = await fetch(file.url);
          expect(sha256(await bytesOf(whole))).toBe(sha256(bundle.files[file.path]));
          const part = await fetch(file.url, { headers: { range: "bytes=100-1123" } });
          expect(part.status).toBe(206);
          expect(part.headers.get("content-range")).toBe(`bytes 100-1123/${file.size}`);
          expect(await bytesOf(part)).toEqual(bundle.files[file.path].subarray(100, 1124));
        }
        const summary = await fetch(open.find((f) => f.path === ".tickscope/summaries/0.bin")!.url);
        expect(decodeSummary(await bytesOf(summary)).count).toBe(20_000 + i * 500);
      }),
    );
    // Every id resolves to a whole blob; nothing of an upload is left pending.
    expect(await keys(CORS_BUCKET, "main/pending/")).toEqual([]);
    expect((await keys(CORS_BUCKET, "main/ids/")).length).toBe(20);
  });

  it("gives identical content a new id each time and stores it once", async () => {
    const bundle = testBundle(99);
    const [a, b] = await Promise.all([upload(bundle), upload(bundle)]);
    const [first, second] = [await a.json(), await b.json()];
    expect(first.id).not.toBe(second.id);
    const blobs = async () =>
      (await keys(CORS_BUCKET, "main/blobs/")).filter((key) => key.endsWith("/whole.json")).length;
    const before = await blobs();
    const third = await (await upload(bundle)).json();
    expect(await blobs()).toBe(before);
    for (const id of [first.id, second.id, third.id]) {
      const file = await fetch(`${server.url}/api/bundles/${id}/files/runs/emu-tick.arrow`);
      expect(sha256(await bytesOf(file))).toBe(sha256(bundle.files["runs/emu-tick.arrow"]));
    }
  });

  it("still serves files through the app by Range, says 404 for unknown ids, and lists nothing", async () => {
    const bundle = testBundle(7);
    const { id } = await (await upload(bundle)).json();
    const run = bundle.files["runs/enl-tick.arrow"];
    const part = await fetch(`${server.url}/api/bundles/${id}/files/runs/enl-tick.arrow`, {
      headers: { range: "bytes=100-1123" },
    });
    expect([part.status, part.headers.get("content-range")]).toEqual([206, `bytes 100-1123/${run.length}`]);
    expect(await bytesOf(part)).toEqual(run.subarray(100, 1124));
    for (const path of [
      "AAAAAAAAAAAAAAAAAAAAAA",
      "not-an-id",
      `${id}/files/runs/missing.arrow`,
      `${id}/files/..%2F..%2Fids`,
    ]) {
      const response = await fetch(`${server.url}/api/bundles/${path}`);
      expect(response.status).toBe(404);
      expect((await response.json()).error.message).toMatch(/does not exist/);
    }
    expect((await fetch(`${server.url}/api/bundles`)).status).toBe(405);
  });

  it("lets pages connect to the bucket's origin, and to no other", async () => {
    const page = await fetch(`${server.url}/`);
    const csp = page.headers.get("content-security-policy")!;
    expect(csp).toMatch(new RegExp(`connect-src 'self' ${s3.endpoint.replace(/[.]/g, "\\.")}(;|$)`));
  });
});

describe("the upload bounds (#17) through an S3 store", () => {
  let bounded: RunningServer;
  beforeAll(async () => {
    bounded = await startServer({
      ...s3.env(CORS_BUCKET, "bounds"),
      TICKSCOPE_DATA_DIR: scratch,
      TICKSCOPE_UPLOAD_TOKEN: TOKEN,
      ...TEST_LIMITS,
    });
  }, 120_000);
  afterAll(() => bounded?.stop());

  it.each(MALFORMED_UPLOADS.map((c) => [c.name, c] as const))(
    "%s: the same 4xx and message as the filesystem store's",
    async (_name, malformed) => {
      const { status, text } = await malformed.send(bounded.url);
      expect({ status, text }).toMatchObject({ status: malformed.status });
      expect(JSON.parse(text).error.message).toMatch(malformed.message);
    },
  );

  it("put nothing of a refused upload in the bucket, and logged no server error", async () => {
    expect(await keys(CORS_BUCKET, "bounds/")).toEqual([]);
    // s3rver cannot list multipart uploads: that warning is expected; nothing else may be logged.
    expect(bounded.stderr()).not.toMatch(/\[tickscope\] (?!S3 store: could not list interrupted multipart)/);
  });
});

describe("presigned URLs that run out", () => {
  let short: RunningServer;
  beforeAll(async () => {
    short = await startServer({
      ...s3.env(CORS_BUCKET, "short"),
      TICKSCOPE_DATA_DIR: scratch,
      TICKSCOPE_S3_URL_EXPIRY_SECONDS: "2",
    });
  }, 120_000);
  afterAll(() => short?.stop());

  it("are refused once expired, and asking for the bundle again gives fresh ones", async () => {
    const bundle = testBundle(31);
    const { id } = await (await upload(bundle, short.url)).json();
    const url = async () =>
      ((await (await fetch(`${short.url}/api/bundles/${id}`)).json()).open as OpenEntry[]).find(
        (file) => file.path === "runs/emu-tick.arrow",
      )!.url;
    const first = await url();
    expect((await fetch(first, { headers: { range: "bytes=0-5" } })).status).toBe(206);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const expired = await fetch(first, { headers: { range: "bytes=0-5" } });
    expect(expired.status).toBe(403);
    expect(await expired.text()).toMatch(/expired/);
    const fresh = await fetch(await url(), { headers: { range: "bytes=0-5" } });
    expect(new TextDecoder().decode(await bytesOf(fresh))).toBe("ARROW1");
  });
});

describe("a bucket without CORS, or TICKSCOPE_S3_PROXY=1", () => {
  it("has the server stream the ranges itself, and pages connect only to it", async () => {
    for (const env of [
      s3.env(PLAIN_BUCKET, "plain"),
      { ...s3.env(CORS_BUCKET, "proxied"), TICKSCOPE_S3_PROXY: "1" },
    ]) {
      const proxied = await startServer({ ...env, TICKSCOPE_DATA_DIR: scratch });
      try {
        const bundle = testBundle(41);
        const { id } = await (await upload(bundle, proxied.url)).json();
        const index = await (await fetch(`${proxied.url}/api/bundles/${id}`)).json();
        expect(index.expires_in).toBeUndefined();
        expect((index.open as OpenEntry[]).map((file) => file.url)).toContain("files/runs/emu-tick.arrow");
        const part = await fetch(`${proxied.url}/api/bundles/${id}/files/runs/emu-tick.arrow`, {
          headers: { range: "bytes=0-5" },
        });
        expect([part.status, new TextDecoder().decode(await bytesOf(part))]).toEqual([206, "ARROW1"]);
        const csp = (await fetch(`${proxied.url}/`)).headers.get("content-security-policy")!;
        expect(csp).toMatch(/connect-src 'self'(;|$)/);
        expect(proxied.stderr()).toMatch(/the server streams run files itself/);
      } finally {
        await proxied.stop();
      }
    }
  });
});

describe("bad S3 settings stop the server at start-up with a message naming the setting", () => {
  it.each([
    [
      "a wrong endpoint",
      async () => ({ TICKSCOPE_S3_ENDPOINT: `http://127.0.0.1:${await freePort()}` }),
      /TICKSCOPE_S3_ENDPOINT: cannot reach the object store/,
    ],
    [
      "a missing bucket",
      async () => ({ TICKSCOPE_STORE: "s3://no-such-bucket/x" }),
      /TICKSCOPE_STORE: the bucket "no-such-bucket" does not exist/,
    ],
    [
      "bad credentials",
      async () => ({ AWS_ACCESS_KEY_ID: "WRONG-KEY" }),
      /AWS_ACCESS_KEY_ID: the object store at .* refused these credentials/,
    ],
    [
      "a store that is not s3://",
      async () => ({ TICKSCOPE_STORE: "gs://bucket" }),
      /TICKSCOPE_STORE: expected s3:\/\/bucket\/prefix/,
    ],
    [
      "an endpoint that is not a URL",
      async () => ({ TICKSCOPE_S3_ENDPOINT: "localhost:9000" }),
      /TICKSCOPE_S3_ENDPOINT: expected an http or https URL/,
    ],
  ])("%s", async (_name, change, message) => {
    const failed = startServer({
      ...s3.env(CORS_BUCKET, "bad"),
      TICKSCOPE_DATA_DIR: scratch,
      ...(await change()),
    });
    await expect(failed).rejects.toThrow(message);
    await expect(failed).rejects.toThrow(/\[tickscope\] cannot start/);
  });
});

describe("interrupted uploads", () => {
  let current: RunningServer | null = null;
  afterAll(() => current?.stop());
  const big = testBundle(301, 1_500_000);
  const pending = () => keys(CORS_BUCKET, "crash/pending/");
  /** Polled on s3rver's own folder: an upload's pending marker can live for less than a listing takes. */
  const pendingOnDisk = async () =>
    (await readdir(join(objects, CORS_BUCKET, "crash", "pending")).catch(() => [])).filter((name) =>
      name.endsWith("._S3rver_object"),
    ).length;
  const scratchEntries = () => readdir(join(scratch, "tmp"));

  /** Every id names a blob that is whole: its index and every run file, by its presigned URL. */
  async function expectOnlyWholeBundles(base: string) {
    for (const key of await keys(CORS_BUCKET, "crash/ids/")) {
      const id = key.slice("crash/ids/".length, -".json".length);
      const index = await (await fetch(`${base}/api/bundles/${id}`)).json();
      for (const file of index.open as OpenEntry[]) {
        const response = await fetch(file.url);
        expect([file.path, response.status, (await bytesOf(response)).length]).toEqual([
          file.path,
          200,
          file.size,
        ]);
      }
    }
  }

  async function startCrashServer() {
    return startServer({
      ...s3.env(CORS_BUCKET, "crash"),
      TICKSCOPE_DATA_DIR: scratch,
      TICKSCOPE_S3_STALE_UPLOAD_SECONDS: "0",
    });
  }

  it("a server killed while storing in the bucket restarts with only whole bundles and clears what it left", async () => {
    current = await startCrashServer();
    expect((await upload(testBundle(300), current.url)).status).toBe(201);

    // Killed while receiving the body: only local scratch holds it.
    const half = halfUpload(current.url, big.zip);
    await expect.poll(async () => (await scratchEntries()).length, { timeout: 30_000 }).toBe(1);
    await current.kill();
    await half;

    // Killed while its objects go to the bucket.
    current = await startCrashServer();
    expect(await scratchEntries()).toEqual([]);
    const sent = upload(big, current.url).catch(() => null);
    await expect.poll(pendingOnDisk, { timeout: 60_000, interval: 2 }).toBe(1);
    await current.kill();
    await sent;
    const sha = (await pending())[0].slice("crash/pending/".length).split("-")[0];
    expect(await pending()).toHaveLength(1);

    current = await startCrashServer();
    expect(await pending()).toEqual([]);
    expect(await keys(CORS_BUCKET, `crash/blobs/${sha}/`)).toEqual([]);
    expect(await scratchEntries()).toEqual([]);
    await expectOnlyWholeBundles(current.url);
    const retried = await upload(big, current.url);
    expect(retried.status).toBe(201);
    const { id } = await retried.json();
    expect(await servedSha256(current.url, id, "runs/enl-tick.arrow")).toBe(
      sha256(big.files["runs/enl-tick.arrow"]),
    );
  }, 180_000);

  it("an object store outage during an upload answers 503 with a message, and nothing becomes visible", async () => {
    current ??= await startCrashServer();
    const ids = await keys(CORS_BUCKET, "crash/ids/");
    const outage = testBundle(302, 1_500_000);
    const sent = upload(outage, current.url).then(async (r) => ({ status: r.status, body: await r.json() }));
    sent.catch(() => null);
    await expect.poll(pendingOnDisk, { timeout: 60_000, interval: 2 }).toBe(1);
    await s3.kill();
    const response = await sent.catch((error) => ({ status: 0, body: { error: String(error) } }));
    expect(response, current.stderr()).toMatchObject({
      status: 503,
      body: { error: { message: expect.stringMatching(/object store is unavailable/) } },
    });
    await s3.restart();
    expect(await keys(CORS_BUCKET, "crash/ids/")).toEqual(ids);
    expect(await scratchEntries()).toEqual([]);
    // The store is back: the same upload goes through.
    expect((await upload(outage, current.url)).status).toBe(201);
  }, 180_000);
});
