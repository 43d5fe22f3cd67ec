import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FileSystemStore } from "./fs-store";
import { BUNDLE_ID_PATTERN } from "./store";

let root: string;
beforeEach(async () => (root = await mkdtemp(join(tmpdir(), "tickscope-store-"))));
afterEach(() => rm(root, { recursive: true, force: true }));

const SHA = "a".repeat(64);

async function stageBundle(store: FileSystemStore, text: string) {
  const staging = await store.stage();
  await writeFile(join(staging.root, "files", "manifest.json"), text);
  await writeFile(join(staging.root, "derived", "index.json"), "{}");
  return staging;
}

async function readAll(stream: NodeJS.ReadableStream) {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

describe("FileSystemStore", () => {
  it("commits a staged bundle under a new unguessable id that is not the content hash", async () => {
    const store = new FileSystemStore(root);
    const { record, deduplicated } = await store.commit(await stageBundle(store, "hello"), SHA);
    expect(deduplicated).toBe(false);
    expect(record.id).toMatch(BUNDLE_ID_PATTERN);
    expect(Buffer.from(record.id, "base64url")).toHaveLength(16);
    expect(record.id).not.toContain(SHA.slice(0, 8));
    expect(await store.lookup(record.id)).toEqual(record);
    const file = await store.open(record, "files", "manifest.json");
    expect(file!.size).toBe(5);
    expect(await readAll(file!.stream())).toBe("hello");
    expect(await readAll(file!.stream(1, 3))).toBe("ell");
    expect(await readdir(join(root, "tmp"))).toEqual([]);
  });

  it("keeps one blob for identical content and gives every upload its own id", async () => {
    const store = new FileSystemStore(root);
    const results = await Promise.all(
      Array.from({ length: 8 }, async () => store.commit(await stageBundle(store, "same"), SHA)),
    );
    const ids = new Set(results.map((r) => r.record.id));
    expect(ids.size).toBe(8);
    expect(results.filter((r) => !r.deduplicated)).toHaveLength(1);
    expect(await readdir(join(root, "blobs"))).toEqual([SHA]);
    expect(await readdir(join(root, "tmp"))).toEqual([]);
    for (const { record } of results) expect(await store.lookup(record.id)).toEqual(record);
  });

  it("finds nothing for unknown, malformed or path-like ids and paths", async () => {
    const store = new FileSystemStore(root);
    const { record } = await store.commit(await stageBundle(store, "x"), SHA);
    expect(await store.lookup("A".repeat(22))).toBeNull();
    expect(await store.lookup("../ids/x")).toBeNull();
    expect(await store.lookup(SHA)).toBeNull();
    expect(await store.open(record, "files", "../derived/index.json")).toBeNull();
    expect(await store.open(record, "files", "/etc/passwd")).toBeNull();
    expect(await store.open(record, "files", "missing.json")).toBeNull();
    expect(await store.open(record, "files", "runs")).toBeNull();
  });

  it("removes what a dead server left in tmp/ when it starts, and never shows it", async () => {
    await mkdir(join(root, "tmp", "999999999-deadbeef", "blob", "files"), { recursive: true });
    await writeFile(join(root, "tmp", "999999999-deadbeef", "upload"), "half an upload");
    const store = new FileSystemStore(root);
    await store.init();
    expect(await readdir(join(root, "tmp"))).toEqual([]);
    expect(await readdir(join(root, "blobs"))).toEqual([]);
  });

  it("writes id records whole: a record always names a blob that is there", async () => {
    const store = new FileSystemStore(root);
    const { record } = await store.commit(await stageBundle(store, "x"), SHA);
    const saved = JSON.parse(await readFile(join(root, "ids", `${record.id}.json`), "utf8"));
    expect(saved).toEqual(record);
    expect(await store.hasBlob(SHA)).toBe(true);
    expect(await store.hasBlob("b".repeat(64))).toBe(false);
  });
});

describe("FileSystemStore start-up cleanup", () => {
  it("keeps the uploads this process is receiving", async () => {
    const store = new FileSystemStore(root);
    const staging = await store.stage();
    await writeFile(join(staging.dir, "upload"), "in flight");
    await new FileSystemStore(root).init();
    expect(await readFile(join(staging.dir, "upload"), "utf8")).toBe("in flight");
  });
});
