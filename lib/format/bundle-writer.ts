/**
 * Writing result bundles (docs/bundle-format.md) from Node: a folder of run files plus
 * manifest.json, made atomically (built under a temporary name beside the target, renamed at the end),
 * and a zip of such a folder. Node-only: the CLI and the server use it, the browser never imports it.
 */
import { randomBytes } from "node:crypto";
import { closeSync, openSync, readSync, writeSync } from "node:fs";
import { mkdir, readdir, rename, rm, rmdir, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { Zip, ZipDeflate, ZipPassThrough } from "fflate";
import { BUNDLE_FORMAT, BUNDLE_VERSION, MANIFEST_FILE } from "./contract";
import { FormatError } from "./errors";
import { manifestSchema, type HostFingerprint, type Manifest, type ManifestRun } from "./manifest";

export interface ManifestDraft {
  title?: string;
  host?: HostFingerprint;
  runs: ManifestRun[];
  createdAt?: Date;
}

/** A run id usable as a file name: lower case, digits and dashes. */
export function runId(...parts: (string | number | undefined)[]): string {
  const id = parts
    .filter((p) => p !== undefined && p !== "")
    .join("-")
    .toLowerCase()
    .replace(/[^a-z0-9.]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return id || "run";
}

/** Where a run's file goes inside a bundle. */
export function runFileName(id: string): string {
  return `runs/${id}.arrow`;
}

/** Ids made unique in order: "tick", "tick-2", … */
export function uniqueIds(ids: string[]): string[] {
  const seen = new Map<string, number>();
  return ids.map((id) => {
    const n = (seen.get(id) ?? 0) + 1;
    seen.set(id, n);
    return n === 1 ? id : `${id}-${n}`;
  });
}

/** The manifest, checked against the contract: unique ids, run files inside the bundle. */
export function buildManifest({ title, host, runs, createdAt = new Date() }: ManifestDraft): Manifest {
  const ids = new Set<string>();
  for (const [i, run] of runs.entries()) {
    if (ids.has(run.id))
      throw new FormatError({
        file: MANIFEST_FILE,
        field: `runs[${i}].id`,
        expected: "a unique id",
        found: run.id,
      });
    ids.add(run.id);
    if (run.file.startsWith("/") || run.file.split("/").includes(".."))
      throw new FormatError({
        file: MANIFEST_FILE,
        field: `runs[${i}].file`,
        expected: "a path inside the bundle",
        found: run.file,
      });
  }
  const manifest = {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    ...(title ? { title } : {}),
    created_at: createdAt.toISOString(),
    ...(host ? { host } : {}),
    runs,
  };
  const parsed = manifestSchema.safeParse(manifest);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new FormatError({ file: MANIFEST_FILE, field: issue.path.join("."), expected: issue.message });
  }
  return parsed.data;
}

/**
 * A bundle folder being written. Files go into a hidden sibling directory; `commit` writes the manifest
 * and renames it to the target, `abort` removes it, so the target name never holds half a bundle.
 */
export class BundleDirectory {
  private readonly runs: ManifestRun[] = [];

  private constructor(
    readonly target: string,
    readonly tempDir: string,
  ) {}

  /** The target must not exist, or be an empty directory. */
  static async create(target: string): Promise<BundleDirectory> {
    const absolute = resolve(target);
    const existing = await stat(absolute).catch(() => null);
    if (existing && (!existing.isDirectory() || (await readdir(absolute)).length > 0))
      throw new Error(`${target}: already exists and is not an empty directory`);
    const temp = join(
      dirname(absolute),
      `.${basename(absolute)}.partial-${process.pid}-${randomBytes(3).toString("hex")}`,
    );
    await mkdir(join(temp, "runs"), { recursive: true });
    return new BundleDirectory(absolute, temp);
  }

  /** Absolute path of a file inside the (temporary) bundle. */
  path(relative: string): string {
    return join(this.tempDir, relative);
  }

  addRun(run: ManifestRun): void {
    this.runs.push(run);
  }

  get runCount(): number {
    return this.runs.length;
  }

  async commit(meta: Omit<ManifestDraft, "runs"> = {}): Promise<Manifest> {
    const manifest = buildManifest({ ...meta, runs: this.runs });
    await writeFile(this.path(MANIFEST_FILE), JSON.stringify(manifest, null, 2) + "\n");
    await rmdir(this.target).catch(() => undefined); // an empty directory given as the target
    await rename(this.tempDir, this.target);
    return manifest;
  }

  async abort(): Promise<void> {
    await rm(this.tempDir, { recursive: true, force: true });
  }
}

/** Zip entries are limited to 4 GiB offsets without zip64, which fflate does not write. */
const ZIP_LIMIT = 0xffffffff;

/**
 * Zips a bundle folder: manifest.json (deflated) and every file it names, stored uncompressed so a
 * reader can slice run files straight out of the zip. Streams file by file; writes to a temporary name
 * beside `outFile` and renames it at the end.
 */
export async function writeBundleZip(dir: string, manifest: Manifest, outFile: string): Promise<number> {
  const files = [
    ...new Set(
      manifest.runs.flatMap((r) => [r.file, r.summary, r.events, r.steal].filter((f): f is string => !!f)),
    ),
  ];
  let total = 0;
  for (const file of files) {
    const info = await stat(join(dir, file)).catch(() => null);
    if (!info?.isFile())
      throw new FormatError({
        file: join(dir, MANIFEST_FILE),
        field: "runs[].file",
        expected: "a file in the bundle",
        found: file,
      });
    total += info.size;
  }
  if (total > ZIP_LIMIT - 1_000_000)
    throw new Error(
      `${dir}: ${(total / 2 ** 30).toFixed(1)} GiB of run files, more than a zip without zip64 holds; share the folder instead`,
    );

  const temp = join(dirname(resolve(outFile)), `.${basename(outFile)}.partial-${process.pid}`);
  const fd = openSync(temp, "w");
  let written = 0;
  try {
    let failure: Error | null = null;
    const zip = new Zip((error, chunk) => {
      if (error) failure = error;
      else {
        writeSync(fd, chunk);
        written += chunk.length;
      }
    });
    const manifestEntry = new ZipDeflate(MANIFEST_FILE, { level: 6 });
    zip.add(manifestEntry);
    manifestEntry.push(new TextEncoder().encode(JSON.stringify(manifest, null, 2) + "\n"), true);
    const chunk = Buffer.alloc(8 << 20);
    for (const file of files) {
      const entry = new ZipPassThrough(file);
      zip.add(entry);
      const input = openSync(join(dir, file), "r");
      try {
        for (;;) {
          const n = readSync(input, chunk, 0, chunk.length, null);
          // push copies nothing: hand it a copy, since the read buffer is reused
          entry.push(Uint8Array.prototype.slice.call(chunk, 0, n), n === 0);
          if (n === 0) break;
        }
      } finally {
        closeSync(input);
      }
    }
    zip.end();
    if (failure) throw failure;
  } catch (error) {
    closeSync(fd);
    await rm(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  await rename(temp, outFile);
  return written;
}
