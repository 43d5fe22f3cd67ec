import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { lstat, mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join, resolve, sep } from "node:path";
import { pathProblem } from "../format/zip-safety";
import { storedEtag } from "./stored-etag";
import {
  BUNDLE_ID_PATTERN,
  type BlobArea,
  type BundleRecord,
  type BundleStore,
  type Staging,
  type StoredFile,
} from "./store";

const SHA256_PATTERN = /^[0-9a-f]{64}$/;

export function newBundleId(): string {
  return randomBytes(16).toString("base64url");
}

const PROCESS_STARTED = Date.now() - process.uptime() * 1000;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * The default store: a folder on disk.
 *
 *   tmp/<pid>-<random>/        one upload being received and checked (never served)
 *   blobs/<sha256>/files/…     a bundle as uploaded, unpacked; derived/… what the server computed
 *   ids/<id>.json              { id, sha256, created_at }
 *
 * Both blobs and ids appear by `rename`, which is atomic on one filesystem: a server killed at any
 * moment leaves a whole bundle or none, and its leftovers in tmp/ are deleted when a server starts.
 */
export class FileSystemStore implements BundleStore {
  private readonly tmp: string;
  private readonly blobs: string;
  private readonly ids: string;
  private ready: Promise<void> | null = null;

  constructor(readonly root: string) {
    this.root = resolve(root);
    this.tmp = join(this.root, "tmp");
    this.blobs = join(this.root, "blobs");
    this.ids = join(this.root, "ids");
  }

  /** Creates the layout and removes what dead uploads left in tmp/ (once per process). */
  init(): Promise<void> {
    this.ready ??= (async () => {
      await Promise.all([this.tmp, this.blobs, this.ids].map((dir) => mkdir(dir, { recursive: true })));
      for (const name of await readdir(this.tmp)) {
        const path = join(this.tmp, name);
        const pid = Number(name.split("-")[0]);
        // The same pid may belong to an earlier server (a restarted container): then it predates us.
        const stale =
          !Number.isInteger(pid) ||
          (pid === process.pid ? (await lstat(path)).mtimeMs < PROCESS_STARTED : !isAlive(pid));
        if (stale) await rm(path, { recursive: true, force: true });
      }
    })();
    return this.ready;
  }

  async stage(): Promise<Staging> {
    await this.init();
    const dir = join(this.tmp, `${process.pid}-${randomBytes(12).toString("hex")}`);
    const root = join(dir, "blob");
    await mkdir(join(root, "files"), { recursive: true });
    await mkdir(join(root, "derived"), { recursive: true });
    return { dir, root, discard: () => rm(dir, { recursive: true, force: true }) };
  }

  async commit(staging: Staging, sha256: string): Promise<{ record: BundleRecord; deduplicated: boolean }> {
    if (!SHA256_PATTERN.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
    await this.init();
    let deduplicated = false;
    try {
      await rename(staging.root, join(this.blobs, sha256));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "ENOTEMPTY" && code !== "EEXIST") throw error;
      deduplicated = true;
    }
    const record: BundleRecord = { id: newBundleId(), sha256, created_at: new Date().toISOString() };
    const temp = join(staging.dir, "id.json");
    await writeFile(temp, JSON.stringify(record));
    await rename(temp, join(this.ids, `${record.id}.json`));
    await staging.discard();
    return { record, deduplicated };
  }

  async hasBlob(sha256: string): Promise<boolean> {
    if (!SHA256_PATTERN.test(sha256)) return false;
    await this.init();
    try {
      return (await lstat(join(this.blobs, sha256))).isDirectory();
    } catch {
      return false;
    }
  }

  async lookup(id: string): Promise<BundleRecord | null> {
    if (!BUNDLE_ID_PATTERN.test(id)) return null;
    await this.init();
    let record: BundleRecord;
    try {
      record = JSON.parse(await readFile(join(this.ids, `${id}.json`), "utf8")) as BundleRecord;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw error;
    }
    if (record.id !== id || !SHA256_PATTERN.test(record.sha256)) return null;
    return record;
  }

  async open(record: BundleRecord, area: BlobArea, path: string): Promise<StoredFile | null> {
    if (pathProblem(path) || !SHA256_PATTERN.test(record.sha256)) return null;
    const base = join(this.blobs, record.sha256, area);
    const full = resolve(base, path);
    if (!full.startsWith(base + sep)) return null;
    let stats;
    try {
      stats = await lstat(full);
    } catch {
      return null;
    }
    if (!stats.isFile()) return null;
    const etag = storedEtag(record.sha256, area, path);
    return {
      size: stats.size,
      etag,
      stream: (start = 0, end = stats.size - 1) =>
        createReadStream(full, { start, end, highWaterMark: 1 << 20 }),
    };
  }
}
