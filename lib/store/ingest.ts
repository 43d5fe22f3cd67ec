import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { BUNDLE_FORMAT, BUNDLE_VERSION, MANIFEST_FILE } from "../format/contract";
import { FormatError } from "../format/errors";
import { pathProblem } from "../format/zip-safety";
import { bundleContentHash } from "./content-hash";
import type { UploadLimits } from "./limits";
import { multipartBoundary, multipartFiles } from "./multipart";
import type { BundleRecord, BundleStore, Staging } from "./store";
import { UploadError } from "./upload-error";
import type { StreamedSummary } from "./streamed-summary";
import { streamRunSummary, summarizeZipEntry, type StreamedRun } from "./summary-thread";
import { limitBytes, writeChunks, type WrittenFile } from "./write-chunks";
import { listZipFile, zipEntryChunks } from "./unpack-zip";

/**
 * What the server derives from a bundle's files once, at upload: written to the blob's derived/ area,
 * within the limits. `streamed` holds the summaries of runs computed while they arrived, by their path
 * in the bundle.
 */
export type BundleChecker = (
  filesDir: string,
  derivedDir: string,
  uploadName: string,
  options: { limits: UploadLimits; streamed?: ReadonlyMap<string, Promise<StreamedSummary | null>> },
) => Promise<void>;

export interface IncomingUpload {
  body: AsyncIterable<Uint8Array> | null;
  contentType: string | null;
  contentLength: number | null;
  /** The name the client gave the upload (a file name), if any. */
  filename: string | null;
}

export interface IngestOptions {
  store: BundleStore;
  limits: UploadLimits;
  check: BundleChecker;
}

export interface IngestResult {
  record: BundleRecord;
  deduplicated: boolean;
}

const ZIP_TYPES = new Set(["application/zip", "application/x-zip-compressed", "application/x-zip"]);
const ARROW_TYPES = new Set([
  "application/vnd.apache.arrow.file",
  "application/vnd.apache.arrow.stream",
  "application/x-apache-arrow",
]);
const ACCEPTED =
  "application/zip, application/vnd.apache.arrow.file, application/octet-stream or multipart/form-data";

function mediaType(contentType: string | null): string {
  return (contentType ?? "").split(";")[0].trim().toLowerCase();
}

function tooLarge(limit: number): never {
  throw new UploadError(413, {
    message: `The upload is larger than the server's limit of ${limit} bytes (TICKSCOPE_MAX_UPLOAD_BYTES).`,
    expected: `at most ${limit} bytes`,
  });
}

/** A run file's name for a one-run bundle: the last path segment, which must look like an Arrow file. */
function runFileName(filename: string | null): string {
  const base = (filename ?? "run.arrow").split(/[\\/]/).pop() ?? "";
  if (pathProblem(base) || !/\.arrows?$/i.test(base))
    throw new UploadError(400, {
      message: `The run's file name must end in .arrow or .arrows, found "${base}".`,
      field: "filename",
      expected: "a name like emu-tick.arrow",
      found: base,
    });
  return base;
}

async function sniff(path: string): Promise<"zip" | "arrow" | "unknown" | "empty"> {
  const handle = await open(path, "r");
  try {
    const head = Buffer.alloc(8);
    const { bytesRead } = await handle.read(head, 0, 8, 0);
    if (bytesRead === 0) return "empty";
    if (head.subarray(0, 2).toString("latin1") === "PK") return "zip";
    if (head.subarray(0, 6).toString("latin1") === "ARROW1" || head.readUInt32LE(0) === 0xffffffff)
      return "arrow";
    return "unknown";
  } finally {
    await handle.close();
  }
}

/** Runs being summarized while they are written, by their path in the bundle. */
type Streamed = Map<string, StreamedRun>;

const RUN_FILE = /\.arrows?$/i;

async function unpackZip(
  zipPath: string,
  size: number,
  staging: Staging,
  name: string,
  limits: UploadLimits,
  streamed: Streamed,
) {
  const entries = await listZipFile(zipPath, size, name, limits);
  // The worker reads each run from the archive while this thread unpacks it (no bytes passed over).
  for (const entry of entries)
    if (RUN_FILE.test(entry.name)) streamed.set(entry.name, summarizeZipEntry(zipPath, entry, name));
  const files = new Map<string, WrittenFile>();
  for (const entry of entries) {
    files.set(
      entry.name,
      await writeChunks(join(staging.root, "files"), entry.name, zipEntryChunks(zipPath, entry, name)),
    );
  }
  return files;
}

/** A file's bytes, opened only when they are read (a stream opened and never read holds its descriptor). */
async function* fileChunks(path: string): AsyncGenerator<Uint8Array> {
  yield* createReadStream(path, { highWaterMark: 1 << 20 });
}

async function oneRunBundle(
  body: AsyncIterable<Uint8Array>,
  staging: Staging,
  filename: string | null,
  streamed: Streamed,
): Promise<Map<string, WrittenFile>> {
  const name = runFileName(filename);
  const files = new Map<string, WrittenFile>();
  const path = `runs/${name}`;
  // The worker checks and summarizes the run as it is written.
  const run = streamRunSummary(path, undefined);
  streamed.set(path, run);
  files.set(path, await writeChunks(join(staging.root, "files"), path, body, run.tap));
  run.end();
  const manifest = {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    title: name,
    runs: [{ id: name.replace(/\.arrows?$/i, ""), file: path }],
  };
  const text = JSON.stringify(manifest, null, 2);
  await writeFile(join(staging.root, "files", MANIFEST_FILE), text, { flag: "wx" });
  files.set(MANIFEST_FILE, { size: Buffer.byteLength(text), sha256: "" });
  return files;
}

/** A multipart upload: the files of a bundle folder, or one part holding a zip or a run. */
async function fromMultipart(
  body: AsyncIterable<Uint8Array>,
  boundary: string,
  staging: Staging,
  limits: UploadLimits,
  streamed: Streamed,
): Promise<Map<string, WrittenFile>> {
  const partsDir = join(staging.dir, "parts");
  const parts = await multipartFiles(body, boundary, partsDir, limits);
  const [only] = parts.size === 1 ? [...parts] : [];
  if (only && /\.zip$/i.test(only[0]))
    return unpackZip(join(partsDir, only[0]), only[1].size, staging, only[0], limits, streamed);
  if (only && /\.arrows?$/i.test(only[0]))
    return oneRunBundle(fileChunks(join(partsDir, only[0])), staging, only[0], streamed);
  await rm(join(staging.root, "files"), { recursive: true });
  await mkdir(partsDir, { recursive: true });
  await rename(partsDir, join(staging.root, "files"));
  return parts;
}

function requireFiles(files: Map<string, WrittenFile>, name: string) {
  if (files.size === 0)
    throw new FormatError({
      file: name,
      expected: "a bundle holding manifest.json and its runs",
      found: "no files",
    });
}

/**
 * Takes one upload from request body to stored bundle: the body is streamed to a private temp folder
 * (never held in memory) under the size limit, unpacked under the zip limits, checked and summarized by
 * `check`, and committed to the store in one rename. On any error the temp folder is removed.
 */
export async function ingestUpload(upload: IncomingUpload, options: IngestOptions): Promise<IngestResult> {
  const { store, limits } = options;
  const type = mediaType(upload.contentType);
  const accepted =
    type === "application/octet-stream" ||
    type === "multipart/form-data" ||
    ZIP_TYPES.has(type) ||
    ARROW_TYPES.has(type);
  if (!accepted)
    throw new UploadError(415, {
      message: `Unsupported content type "${type || "(none)"}": send a bundle as ${ACCEPTED}.`,
      field: "Content-Type",
      expected: ACCEPTED,
      found: type || "none",
    });
  if (upload.contentLength !== null && upload.contentLength > limits.maxUploadBytes)
    tooLarge(limits.maxUploadBytes);
  if (!upload.body || upload.contentLength === 0)
    throw new UploadError(400, {
      message: "The upload is empty: send a bundle (zip) or a run (.arrow).",
      expected: "a non-empty body",
    });

  const body = limitBytes(upload.body, limits.maxUploadBytes, () => tooLarge(limits.maxUploadBytes));
  const name = upload.filename ?? (ARROW_TYPES.has(type) ? "run.arrow" : "upload.zip");
  const staging = await store.stage();
  const streamed: Streamed = new Map();
  try {
    let files: Map<string, WrittenFile>;
    if (type === "multipart/form-data") {
      const boundary = multipartBoundary(upload.contentType ?? "");
      files = await fromMultipart(body, boundary, staging, limits, streamed);
    } else if (ARROW_TYPES.has(type)) {
      files = await oneRunBundle(body, staging, upload.filename, streamed);
    } else {
      const uploadPath = join(staging.dir, "upload");
      const received = await writeChunks(staging.dir, "upload", body);
      const kind = await sniff(uploadPath);
      if (kind === "empty")
        throw new UploadError(400, {
          message: "The upload is empty: send a bundle (zip) or a run (.arrow).",
          expected: "a non-empty body",
        });
      if (kind === "arrow") {
        files = await oneRunBundle(fileChunks(uploadPath), staging, upload.filename, streamed);
      } else if (kind === "zip" || ZIP_TYPES.has(type)) {
        files = await unpackZip(uploadPath, received.size, staging, name, limits, streamed);
      } else {
        throw new FormatError({
          file: name,
          expected: "a zip archive (a bundle) or an Arrow IPC file (one run)",
          found: "neither (unknown leading bytes)",
        });
      }
    }
    requireFiles(files, name);
    const sha256 = bundleContentHash(await hashedManifest(files, staging));
    if (!(await store.hasBlob(sha256))) {
      const summaries = new Map([...streamed].map(([path, run]) => [path, run.result]));
      await options.check(join(staging.root, "files"), join(staging.root, "derived"), name, {
        limits,
        streamed: summaries,
      });
    }
    return await store.commit(staging, sha256);
  } finally {
    for (const run of streamed.values()) run.abort();
    await staging.discard();
  }
}

/** Files written from memory (the generated manifest) are hashed here, so every entry has its sha256. */
async function hashedManifest(
  files: Map<string, WrittenFile>,
  staging: Staging,
): Promise<Map<string, WrittenFile>> {
  for (const [path, file] of files) {
    if (file.sha256) continue;
    const bytes = await readFile(join(staging.root, "files", path));
    files.set(path, { size: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex") });
  }
  return files;
}
