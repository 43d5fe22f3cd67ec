import { spawn } from "node:child_process";
import { spawnSync } from "node:child_process";
import { lstat, mkdir, mkdtemp, readdir, readlink, rm, statfs, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseViewState } from "@/lib/url/view-state";
import { decodeSummary } from "@/lib/summary";
import { BUNDLE_ID_PATTERN } from "@/lib/store/store";
import { sha256, testBundle, type TestBundle } from "@/lib/store/testing/bundles";
import { bytesOf, halfUpload, servedSha256 } from "@/lib/store/testing/interrupted-upload";
import {
  ensureProductionBuild,
  freePort,
  startServer,
  type RunningServer,
} from "@/lib/store/testing/server-process";
import { API_CONTENT_SECURITY_POLICY, SECURITY_HEADERS } from "@/lib/security/headers";
import {
  flippedByteZip,
  MALFORMED_UPLOADS,
  manyRunsOfOneFile,
  TEST_LIMITS,
  TOKEN,
} from "@/lib/store/testing/malformed-uploads";

// These tests drive the real production server (`next start`) over loopback.
let server: RunningServer;
let dataDir: string;

beforeAll(async () => {
  ensureProductionBuild();
  dataDir = await mkdtemp(join(tmpdir(), "tickscope-api-"));
  server = await startServer({ TICKSCOPE_DATA_DIR: dataDir, TICKSCOPE_UPLOAD_TOKEN: TOKEN, ...TEST_LIMITS });
}, 300_000);

afterAll(async () => {
  await server?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const auth = { authorization: `Bearer ${TOKEN}` };

async function upload(
  bundle: TestBundle | Uint8Array,
  headers: Record<string, string> = {},
  base = server.url,
) {
  const body = bundle instanceof Uint8Array ? bundle : bundle.zip;
  return fetch(`${base}/api/bundles`, {
    method: "POST",
    headers: { "content-type": "application/zip", ...auth, ...headers },
    body: Buffer.from(body),
  });
}

/**
 * The server's descriptors on files of its store (under `store`, deleted or not), and on deleted
 * files anywhere. Modules being loaded come and go; these must not stay.
 */
async function descriptors(pid: number, store: string) {
  const dir = `/proc/${pid}/fd`;
  const links = await Promise.all((await readdir(dir)).map((fd) => readlink(join(dir, fd)).catch(() => "")));
  return {
    store: links.filter((link) => link.startsWith(`${store}/`)).length,
    deleted: links.filter((link) => link.startsWith("/") && link.endsWith(" (deleted)")).length,
  };
}

/** Bytes stored under a folder, every file counted. */
async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? await folderBytes(path) : (await lstat(path)).size;
  }
  return total;
}

describe("POST /api/bundles then GET", () => {
  it("stores 20 concurrent uploads intact, each under its own id, and each link opens", async () => {
    const bundles = Array.from({ length: 20 }, (_, i) => testBundle(i + 1, 20_000 + i * 500));
    const responses = await Promise.all(bundles.map((bundle) => upload(bundle)));
    const created = await Promise.all(
      responses.map(async (r) => ({ status: r.status, body: await r.json() })),
    );
    expect(created.map((c) => c.status)).toEqual(bundles.map(() => 201));
    const ids = created.map((c) => c.body.id as string);
    expect(new Set(ids).size).toBe(20);

    await Promise.all(
      bundles.map(async (bundle, i) => {
        const { id, url } = created[i].body;
        expect(id).toMatch(BUNDLE_ID_PATTERN);
        const link = new URL(url);
        expect(parseViewState(link.search).bundles).toEqual([id]);
        expect((await fetch(`${server.url}/${link.search}`)).status).toBe(200);

        const index = await (await fetch(`${server.url}/api/bundles/${id}`)).json();
        expect(index.id).toBe(id);
        expect(index.title).toBe(bundle.title);
        expect(index.runs.map((run: { id: string }) => run.id)).toEqual(["emu-tick", "enl-tick"]);
        expect(index.runs.map((run: { count: number }) => run.count)).toEqual([
          20_000 + i * 500,
          20_000 + i * 500,
        ]);
        expect(index.files).toEqual(
          Object.entries(bundle.files)
            .map(([path, bytes]) => ({ path, size: bytes.length }))
            .sort((a, b) => a.path.localeCompare(b.path)),
        );
        const served = await (await fetch(`${server.url}/api/bundles/${id}/derived/manifest.json`)).json();
        expect(served.runs.map((run: { summary: string }) => run.summary)).toEqual([
          ".tickscope/summaries/0.bin",
          ".tickscope/summaries/1.bin",
        ]);
        expect(index.open.map((file: { url: string }) => file.url)).toEqual([
          "derived/manifest.json",
          "files/runs/emu-tick.arrow",
          "files/runs/enl-tick.arrow",
          "derived/summaries/0.bin",
          "derived/summaries/1.bin",
        ]);
        const summary = await fetch(`${server.url}/api/bundles/${id}/derived/${index.runs[0].summary}`);
        expect(decodeSummary(await bytesOf(summary)).count).toBe(20_000 + i * 500);
        for (const [path, bytes] of Object.entries(bundle.files)) {
          const file = await fetch(`${server.url}/api/bundles/${id}/files/${path}`);
          expect(file.status).toBe(200);
          expect(sha256(await bytesOf(file))).toBe(sha256(bytes));
        }
      }),
    );
  });

  it("gives identical content a new id each time and stores it once", async () => {
    const bundle = testBundle(99);
    const [a, b] = await Promise.all([upload(bundle), upload(bundle)]);
    const [first, second] = [await a.json(), await b.json()];
    expect(first.id).not.toBe(second.id);
    const before = (await readdir(join(dataDir, "blobs"))).length;
    const third = await (await upload(bundle)).json();
    expect((await readdir(join(dataDir, "blobs"))).length).toBe(before);
    for (const id of [first.id, second.id, third.id]) {
      const file = await fetch(`${server.url}/api/bundles/${id}/files/runs/emu-tick.arrow`);
      expect(sha256(await bytesOf(file))).toBe(sha256(bundle.files["runs/emu-tick.arrow"]));
    }
  });

  it("serves run files by byte range, with immutable caching and validators", async () => {
    const bundle = testBundle(7);
    const { id } = await (await upload(bundle)).json();
    const run = bundle.files["runs/enl-tick.arrow"];
    const url = `${server.url}/api/bundles/${id}/files/runs/enl-tick.arrow`;

    const part = await fetch(url, { headers: { range: "bytes=100-1123" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 100-1123/${run.length}`);
    expect(part.headers.get("accept-ranges")).toBe("bytes");
    expect(part.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(part.headers.get("content-type")).toBe("application/vnd.apache.arrow.file");
    expect(await bytesOf(part)).toEqual(run.subarray(100, 1124));

    const tail = await fetch(url, { headers: { range: "bytes=-16" } });
    expect(await bytesOf(tail)).toEqual(run.subarray(run.length - 16));

    const beyond = await fetch(url, { headers: { range: `bytes=${run.length}-` } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get("content-range")).toBe(`bytes */${run.length}`);

    const whole = await fetch(url);
    const etag = whole.headers.get("etag")!;
    expect(sha256(await bytesOf(whole))).toBe(sha256(run));
    expect((await fetch(url, { headers: { "if-none-match": etag } })).status).toBe(304);
    const head = await fetch(url, { method: "HEAD", headers: { range: "bytes=0-0" } });
    expect([head.status, head.headers.get("content-range")]).toEqual([206, `bytes 0-0/${run.length}`]);
    const stale = await fetch(url, { headers: { range: "bytes=0-9", "if-range": '"other"' } });
    expect(stale.status).toBe(200);
  });

  it("says plainly when a bundle or a file does not exist, and lists nothing", async () => {
    for (const path of [
      "/api/bundles/AAAAAAAAAAAAAAAAAAAAAA",
      "/api/bundles/not-an-id",
      "/api/bundles/AAAAAAAAAAAAAAAAAAAAAA/files/manifest.json",
    ]) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status).toBe(404);
      expect((await response.json()).error.message).toMatch(/does not exist/);
    }
    const { id } = await (await upload(testBundle(8))).json();
    for (const path of [
      "files/..%2F..%2Fids",
      "files/runs/missing.arrow",
      "files/runs",
      "derived/..%2Ffiles%2Fmanifest.json",
    ]) {
      const response = await fetch(`${server.url}/api/bundles/${id}/${path}`);
      expect(response.status).toBe(404);
    }
    const list = await fetch(`${server.url}/api/bundles`);
    expect(list.status).toBe(405);
    expect(JSON.stringify(await list.json())).not.toContain(id);
  });
});

describe("malformed uploads", () => {
  it(`has at least 30 cases`, () => expect(MALFORMED_UPLOADS.length).toBeGreaterThanOrEqual(30));

  it.each(MALFORMED_UPLOADS.map((c) => [c.name, c] as const))(
    "%s: a 4xx with a clear message, and the server keeps serving",
    async (_name, malformed) => {
      const { status, text } = await malformed.send(server.url);
      expect({ status, text }).toMatchObject({ status: malformed.status });
      const body = JSON.parse(text);
      expect(body.error.message).toMatch(malformed.message);
      expect(text).not.toMatch(/\bat .+:\d+:\d+|node_modules|\.next\//);
      const next = await upload(testBundle(1000));
      expect(next.status).toBe(201);
    },
  );

  it("left nothing behind in the store's temp folder", async () => {
    await expect.poll(() => readdir(join(dataDir, "tmp"))).toEqual([]);
  });

  it("logged no server error", () => {
    expect(server.stderr()).not.toMatch(/\[tickscope\]/);
  });
});

describe("the store under abuse", () => {
  it("answers a refused upload that is still being sent, instead of resetting its client", async () => {
    // Refused on its headers (no token) with 6 MiB still to come: the client reads the 401, not a reset.
    const body = Buffer.alloc(6 * 1024 * 1024, 7);
    for (let i = 0; i < 5; i++) {
      const response = await fetch(`${server.url}/api/bundles`, {
        method: "POST",
        headers: { "content-type": "application/zip" },
        body,
      });
      expect(response.status).toBe(401);
      expect((await response.json()).error.message).toMatch(/token/i);
    }
  });

  it("stores a few-KB zip of 200 runs naming one 500-sample run in kilobytes, summarized once", async () => {
    const zip = manyRunsOfOneFile(200);
    expect(zip.length).toBeLessThan(8192);
    const before = await folderBytes(dataDir);
    const response = await upload(zip);
    expect(response.status).toBe(201);
    const grown = (await folderBytes(dataDir)) - before;
    expect(grown).toBeLessThan(512 * 1024);
    const index = await (await fetch(`${server.url}/api/bundles/${(await response.json()).id}`)).json();
    expect(index.runs).toHaveLength(200);
    expect(new Set(index.runs.map((run: { summary: string }) => run.summary))).toEqual(
      new Set(["summaries/0.bin"]),
    );
    const summary = await fetch(`${server.url}/api/bundles/${index.id}/derived/summaries/0.bin`);
    expect(decodeSummary(await bytesOf(summary)).count).toBe(500);
  });

  it("leaves no descriptor open after 20 uploads whose run entry has a flipped byte", async () => {
    const zip = flippedByteZip(testBundle(502, 250_000), 125_000);
    const pid = server.process.pid!;
    const before = await descriptors(pid, dataDir);
    for (let i = 0; i < 20; i++) {
      const response = await upload(zip);
      expect(response.status).toBe(400);
      expect((await response.json()).error.message).toMatch(/CRC-32/);
    }
    await expect
      .poll(() => descriptors(pid, dataDir), { timeout: 10_000 })
      .toEqual({ store: before.store, deleted: 0 });
  });

  it("answers If-None-Match: * with 304 on an existing file, and sends Content-Length", async () => {
    const bundle = testBundle(503);
    const { id } = await (await upload(bundle)).json();
    const run = bundle.files["runs/emu-tick.arrow"];
    const url = `${server.url}/api/bundles/${id}/files/runs/emu-tick.arrow`;
    expect((await fetch(url, { headers: { "if-none-match": "*" } })).status).toBe(304);
    expect((await fetch(`${url}.missing`, { headers: { "if-none-match": "*" } })).status).toBe(404);
    const whole = await fetch(url);
    expect(whole.headers.get("content-length")).toBe(String(run.length));
    await whole.arrayBuffer();
    const part = await fetch(url, { headers: { range: "bytes=10-1033" } });
    expect([part.status, part.headers.get("content-length")]).toEqual([206, "1024"]);
    await part.arrayBuffer();
    const head = await fetch(url, { method: "HEAD" });
    expect(head.headers.get("content-length")).toBe(String(run.length));
  });

  it("ignores X-Forwarded-Host for share links unless TICKSCOPE_TRUST_PROXY=1", async () => {
    const response = await upload(testBundle(504), {
      "x-forwarded-host": "evil.example",
      "x-forwarded-proto": "https",
    });
    const { url } = await response.json();
    expect(new URL(url).origin).toBe(server.url);
  });

  it("answers a path with bad percent-encoding with 400 JSON and the security headers", async () => {
    for (const path of ["/api/bundles/%ff", "/api/bundles/AAAAAAAAAAAAAAAAAAAAAA/files/a%ZZ"]) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status).toBe(400);
      expect(response.headers.get("content-type")).toMatch(/^application\/json/);
      for (const [name, value] of Object.entries(SECURITY_HEADERS))
        expect(response.headers.get(name)).toBe(value);
      expect(response.headers.get("content-security-policy")).toBe(API_CONTENT_SECURITY_POLICY);
      expect((await response.json()).error.message).toMatch(/percent-encoding/);
    }
  });
});

describe("a server whose disk is full", () => {
  let disk: string;
  let full: RunningServer | null = null;
  let mounted = false;
  beforeAll(async () => {
    disk = await mkdtemp(join(tmpdir(), "tickscope-full-"));
    const mount = spawnSync("mount", ["-t", "tmpfs", "-o", "size=20m", "tmpfs", disk], { encoding: "utf8" });
    if (mount.status !== 0) throw new Error(`mounting a 20 MB tmpfs needs root: ${mount.stderr}`);
    mounted = true;
    full = await startServer({ TICKSCOPE_DATA_DIR: join(disk, "store") });
  }, 120_000);
  afterAll(async () => {
    await full?.stop();
    if (mounted) spawnSync("umount", [disk]);
    await rm(disk, { recursive: true, force: true });
  });

  it("answers 507, logs it once, leaves nothing behind and keeps serving reads", async () => {
    const small = testBundle(900);
    const { id } = await (await upload(small, {}, full!.url)).json();
    const large = testBundle(901, 30_000);
    const { bavail, bsize } = await statfs(disk);
    await writeFile(join(disk, "filler"), new Uint8Array(bavail * bsize - large.zip.length - 256 * 1024));

    const pid = full!.process.pid!;
    const before = await descriptors(pid, disk);
    const ids = await readdir(join(disk, "store", "ids"));
    for (let i = 0; i < 20; i++) {
      const response = await upload(large, {}, full!.url);
      expect(response.status).toBe(507);
      expect((await response.json()).error.message).toMatch(/the server's storage is full/);
    }
    expect(full!.stderr().match(/storage is full/g)).toHaveLength(1);
    expect(await readdir(join(disk, "store", "ids"))).toEqual(ids);
    expect(await readdir(join(disk, "store", "tmp"))).toEqual([]);
    await expect
      .poll(() => descriptors(pid, disk), { timeout: 10_000 })
      .toEqual({ store: before.store, deleted: 0 });

    const file = await fetch(`${full!.url}/api/bundles/${id}/files/runs/emu-tick.arrow`);
    expect(sha256(await bytesOf(file))).toBe(sha256(small.files["runs/emu-tick.arrow"]));

    await rm(join(disk, "filler"));
    expect((await upload(large, {}, full!.url)).status).toBe(201);
  });
});

describe("a server killed in the middle of an upload", () => {
  let crashDir: string;
  let current: RunningServer | null = null;
  beforeAll(async () => {
    crashDir = await mkdtemp(join(tmpdir(), "tickscope-crash-"));
  });
  afterAll(async () => {
    await current?.stop();
    await rm(crashDir, { recursive: true, force: true });
  });

  const tmpEntries = () => readdir(join(crashDir, "tmp"));

  /** Every id names a blob that is whole: its index and every file its manifest names. */
  async function expectOnlyWholeBundles(base: string) {
    for (const name of await readdir(join(crashDir, "ids"))) {
      const id = name.replace(/\.json$/, "");
      const index = await (await fetch(`${base}/api/bundles/${id}`)).json();
      for (const run of index.runs) {
        const file = await fetch(`${base}/api/bundles/${id}/files/${run.file}`, {
          headers: { range: "bytes=0-5" },
        });
        expect(new TextDecoder().decode(await bytesOf(file))).toBe("ARROW1");
      }
    }
  }

  it("restarts with only whole bundles, its leftovers gone, and takes the same upload again", async () => {
    current = await startServer({ TICKSCOPE_DATA_DIR: crashDir });
    const whole = testBundle(300);
    const first = await (await upload(whole, {}, current.url)).json();

    // 1. Killed while receiving the body: half of it sent, the rest never comes.
    const big = testBundle(301, 400_000);
    const half = halfUpload(current.url, big.zip);
    await expect.poll(async () => (await tmpEntries()).length, { timeout: 30_000 }).toBe(1);
    await current.kill();
    await half;
    expect((await tmpEntries()).length).toBe(1);

    current = await startServer({ TICKSCOPE_DATA_DIR: crashDir });
    expect(await tmpEntries()).toEqual([]);
    await expectOnlyWholeBundles(current.url);
    expect(await servedSha256(current.url, first.id, "runs/emu-tick.arrow")).toBe(
      sha256(whole.files["runs/emu-tick.arrow"]),
    );

    // 2. Killed while unpacking and checking: the body is all there, the blob is being built.
    const sent = fetch(`${current.url}/api/bundles`, {
      method: "POST",
      headers: { "content-type": "application/zip" },
      body: Buffer.from(big.zip),
    }).catch(() => null);
    await expect
      .poll(
        async () => {
          for (const entry of await tmpEntries()) {
            const files = await readdir(join(crashDir, "tmp", entry, "blob", "files")).catch(() => []);
            if (files.length) return true;
          }
          return false;
        },
        { timeout: 30_000, interval: 5 },
      )
      .toBe(true);
    await current.kill();
    await sent;

    current = await startServer({ TICKSCOPE_DATA_DIR: crashDir });
    expect(await tmpEntries()).toEqual([]);
    await expectOnlyWholeBundles(current.url);
    const retried = await upload(big, {}, current.url);
    expect(retried.status).toBe(201);
    const { id } = await retried.json();
    expect(await servedSha256(current.url, id, "runs/enl-tick.arrow")).toBe(
      sha256(big.files["runs/enl-tick.arrow"]),
    );
  });
});

describe("npx tickscope upload", () => {
  // Asynchronous on purpose: a blocked event loop would keep fetch's idle sockets past the server's keep-alive.
  const cli = (args: string[]) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        [join(process.cwd(), "collector/bin/tickscope.mjs"), "upload", ...args],
        {
          env: { ...process.env, TICKSCOPE_UPLOAD_TOKEN: "" },
        },
      );
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk) => (stdout += chunk));
      child.stderr.on("data", (chunk) => (stderr += chunk));
      child.on("close", (status) => resolve({ status, stdout, stderr }));
    });

  it("uploads a zip, a bundle folder and a single run, and prints links that open", async () => {
    const dir = await mkdtemp(join(tmpdir(), "tickscope-cli-"));
    try {
      const bundle = testBundle(700);
      await writeFile(join(dir, "bundle.zip"), bundle.zip);
      for (const [path, bytes] of Object.entries(bundle.files)) {
        await mkdir(dirname(join(dir, "folder", path)), { recursive: true });
        await writeFile(join(dir, "folder", path), bytes);
      }
      await writeFile(join(dir, "emu-tick.arrow"), bundle.files["runs/emu-tick.arrow"]);

      for (const [path, expected] of [
        ["bundle.zip", "runs/emu-tick.arrow"],
        ["folder", "runs/emu-tick.arrow"],
        ["emu-tick.arrow", "runs/emu-tick.arrow"],
      ] as const) {
        const result = await cli([join(dir, path), "--server", server.url, "--token", TOKEN]);
        expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: "" });
        const link = new URL(result.stdout.trim());
        const [id] = parseViewState(link.search).bundles;
        const file = await fetch(`${server.url}/api/bundles/${id}/files/${expected}`);
        expect(sha256(await bytesOf(file))).toBe(sha256(bundle.files["runs/emu-tick.arrow"]));
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("says why an upload was refused, and gives up on a server that is not there", async () => {
    const dir = await mkdtemp(join(tmpdir(), "tickscope-cli-"));
    try {
      await writeFile(join(dir, "bundle.zip"), testBundle(701).zip);
      const refused = await cli([join(dir, "bundle.zip"), "--server", server.url]);
      expect(refused.status).toBe(2);
      expect(refused.stderr).toContain("the server refused");
      expect(refused.stderr).toContain("requires an upload token");

      const port = await freePort();
      const away = await cli([join(dir, "bundle.zip"), "--server", `http://127.0.0.1:${port}`]);
      expect(away.status).toBe(1);
      expect(away.stderr).toMatch(/attempt 1 failed.*retrying/);
      expect(away.stderr).toContain("could not upload");

      const missing = await cli([join(dir, "nothing.zip"), "--server", server.url]);
      expect(missing.stderr).toContain("no such file or folder");
      expect((await cli([join(dir, "bundle.zip")])).stderr).toContain("--server URL is missing");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("after the whole suite", () => {
  it("the server holds no descriptor on a deleted file, and tmp/ is empty", async () => {
    await expect
      .poll(() => descriptors(server.process.pid!, dataDir), { timeout: 10_000 })
      .toEqual({ store: 0, deleted: 0 });
    await expect.poll(() => readdir(join(dataDir, "tmp"))).toEqual([]);
  });
});
