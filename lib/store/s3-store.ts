import { createReadStream } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { Readable } from "node:stream";
import {
  AbortMultipartUploadCommand,
  DeleteObjectsCommand,
  GetBucketCorsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type CORSRule,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { pathProblem } from "../format/zip-safety";
import { FileSystemStore, newBundleId } from "./fs-store";
import { isMissing, isOutage, startupProblem, unavailable } from "./s3-errors";
import { setPresignedOrigin, type S3Settings } from "./s3-settings";
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
const PART_BYTES = 16 * 1024 * 1024;
const PARALLEL_FILES = 4;
/** Tries of one small file's PUT when the store cannot be reached or answers 5xx. */
const FILE_ATTEMPTS = 3;
/** Id records kept in memory (they never change): a bound, not a cache policy. */
const KNOWN_RECORDS = 10_000;

/** What a browser needs to read a bucket's objects from another origin. */
const CORS_NEEDS = { method: "GET", header: "range", expose: ["content-range", "content-length", "etag"] };

/**
 * Bundles in an S3-compatible bucket, with the filesystem store's guarantees:
 *
 *   <prefix>blobs/<sha256>/files/…, …/derived/…   a bundle's objects, uploaded once checked
 *   <prefix>blobs/<sha256>/whole.json              written after all of them: the blob is complete
 *   <prefix>ids/<id>.json                          { id, sha256, created_at }: written last, then the id resolves
 *   <prefix>pending/<sha256>-<random>.json         an upload under way; what a crash left is cleared at start-up
 *
 * An upload is received, unpacked and checked on local disk (a FileSystemStore's tmp/, under
 * TICKSCOPE_DATA_DIR) exactly as for the filesystem store; only `commit` talks to the bucket. Nothing
 * lists bundles: ids are reached by key, and listing is used only to clear interrupted uploads.
 */
export class S3Store implements BundleStore {
  readonly client: S3Client;
  /** Whether browsers get presigned URLs (the bucket's CORS lets them Range-read), decided by `init`. */
  direct = false;
  private ready: Promise<void> | null = null;
  private readonly records = new Map<string, BundleRecord>();

  constructor(
    readonly settings: S3Settings,
    private readonly scratch: FileSystemStore,
    client?: S3Client,
  ) {
    this.client =
      client ??
      new S3Client({
        endpoint: settings.endpoint,
        region: settings.region,
        forcePathStyle: settings.forcePathStyle,
        // Plain PUTs: several S3-compatible stores do not take the newer streamed checksums.
        requestChecksumCalculation: "WHEN_REQUIRED",
        responseChecksumValidation: "WHEN_REQUIRED",
      });
  }

  private key(...parts: string[]): string {
    return this.settings.prefix + parts.join("/");
  }

  /** Checks the bucket (a clear error naming the setting), clears interrupted uploads, decides how browsers read. */
  init(): Promise<void> {
    this.ready ??= (async () => {
      await this.scratch.init();
      try {
        await this.client.send(new HeadBucketCommand({ Bucket: this.settings.bucket }));
      } catch (error) {
        throw startupProblem(error, this.settings);
      }
      await this.clearInterrupted();
      await this.decideReads();
    })();
    return this.ready;
  }

  private async decideReads(): Promise<void> {
    const { proxy } = this.settings;
    let why = "TICKSCOPE_S3_PROXY=1";
    if (proxy === undefined) why = await this.corsProblem().then((problem) => problem ?? "");
    this.direct = proxy === false || (proxy === undefined && why === "");
    if (this.direct) {
      setPresignedOrigin(new URL(await this.presignKey(this.key("ids", "probe"), 60)).origin);
    } else {
      setPresignedOrigin(null);
      console.warn(
        `[tickscope] S3 store: the server streams run files itself (${why}); see README "Deploying for a team"`,
      );
    }
  }

  /** Why browsers cannot Range-read the bucket from the page, or null when its CORS rules allow it. */
  private async corsProblem(): Promise<string | null> {
    let rules: CORSRule[];
    try {
      rules =
        (await this.client.send(new GetBucketCorsCommand({ Bucket: this.settings.bucket }))).CORSRules ?? [];
    } catch (error) {
      const name = (error as Error).name;
      return name === "NoSuchCORSConfiguration"
        ? "the bucket has no CORS rules"
        : `its CORS rules could not be read: ${name}`;
    }
    const fits = (rule: CORSRule) =>
      (rule.AllowedMethods ?? []).includes(CORS_NEEDS.method) &&
      (rule.AllowedHeaders ?? []).some((h) => h === "*" || h.toLowerCase() === CORS_NEEDS.header) &&
      CORS_NEEDS.expose.every((name) => (rule.ExposeHeaders ?? []).some((h) => h.toLowerCase() === name));
    return rules.some(fits)
      ? null
      : "no CORS rule allows GET with a Range header and exposes Content-Range, Content-Length and ETag";
  }

  /** Removes what uploads interrupted long enough ago left: their partial blobs and multipart uploads. */
  private async clearInterrupted(): Promise<void> {
    const before = Date.now() - this.settings.staleUploadSeconds * 1000;
    const bucket = this.settings.bucket;
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          Prefix: this.key("pending", ""),
          ContinuationToken: token,
        }),
      );
      for (const object of page.Contents ?? []) {
        if (!object.Key || (object.LastModified?.getTime() ?? 0) > before) continue;
        const sha256 = object.Key.slice(this.key("pending", "").length, -".json".length).split("-")[0];
        if (SHA256_PATTERN.test(sha256) && !(await this.hasBlob(sha256)))
          await this.deletePrefix(this.key("blobs", sha256, ""));
        await this.deleteKeys([object.Key]);
      }
      token = page.NextContinuationToken;
    } while (token);
    try {
      let keyMarker: string | undefined;
      let uploadMarker: string | undefined;
      for (;;) {
        const page = await this.client.send(
          new ListMultipartUploadsCommand({
            Bucket: bucket,
            Prefix: this.settings.prefix,
            KeyMarker: keyMarker,
            UploadIdMarker: uploadMarker,
          }),
        );
        for (const upload of page.Uploads ?? [])
          if ((upload.Initiated?.getTime() ?? 0) <= before)
            await this.client.send(
              new AbortMultipartUploadCommand({ Bucket: bucket, Key: upload.Key, UploadId: upload.UploadId }),
            );
        if (!page.IsTruncated) break;
        keyMarker = page.NextKeyMarker;
        uploadMarker = page.NextUploadIdMarker;
      }
    } catch (error) {
      console.warn(
        `[tickscope] S3 store: could not list interrupted multipart uploads (${(error as Error).name}); ` +
          "give the bucket a lifecycle rule that aborts incomplete multipart uploads after a day",
      );
    }
  }

  private async deletePrefix(prefix: string): Promise<void> {
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.settings.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      await this.deleteKeys((page.Contents ?? []).map((object) => object.Key!).filter(Boolean));
      token = page.NextContinuationToken;
    } while (token);
  }

  private async deleteKeys(keys: string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000)
      await this.client.send(
        new DeleteObjectsCommand({
          Bucket: this.settings.bucket,
          Delete: { Objects: keys.slice(i, i + 1000).map((Key) => ({ Key })), Quiet: true },
        }),
      );
  }

  async stage(): Promise<Staging> {
    await this.init();
    return this.scratch.stage();
  }

  async commit(staging: Staging, sha256: string): Promise<{ record: BundleRecord; deduplicated: boolean }> {
    if (!SHA256_PATTERN.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
    await this.init();
    try {
      const deduplicated = await this.hasBlob(sha256);
      if (!deduplicated) await this.uploadBlob(staging, sha256);
      const record: BundleRecord = { id: newBundleId(), sha256, created_at: new Date().toISOString() };
      await this.put(this.key("ids", `${record.id}.json`), JSON.stringify(record), "application/json");
      this.records.set(record.id, record);
      await staging.discard();
      return { record, deduplicated };
    } catch (error) {
      throw unavailable(error, "storing the bundle");
    }
  }

  private async uploadBlob(staging: Staging, sha256: string): Promise<void> {
    const pending = this.key("pending", `${sha256}-${newBundleId()}.json`);
    await this.put(
      pending,
      JSON.stringify({ sha256, started_at: new Date().toISOString() }),
      "application/json",
    );
    const files = await listFiles(staging.root);
    const queue = [...files];
    const worker = async () => {
      for (let file = queue.shift(); file; file = queue.shift())
        await this.uploadFile(join(staging.root, file.path), this.key("blobs", sha256, file.path));
    };
    await Promise.all(Array.from({ length: PARALLEL_FILES }, worker));
    await this.put(this.key("blobs", sha256, "whole.json"), JSON.stringify({ files }), "application/json");
    await this.deleteKeys([pending]);
  }

  private async uploadFile(path: string, key: string): Promise<void> {
    const { size } = await stat(path);
    if (size < PART_BYTES) {
      // A stream cannot be sent twice, so the client's own retries cannot resend it: a kept-alive
      // connection the store closed meanwhile (ECONNRESET, "socket hang up") is retried here, file read anew.
      for (let attempt = 1; ; attempt++) {
        try {
          await this.client.send(
            new PutObjectCommand({
              Bucket: this.settings.bucket,
              Key: key,
              Body: createReadStream(path),
              ContentLength: size,
            }),
          );
          return;
        } catch (error) {
          if (attempt >= FILE_ATTEMPTS || !isOutage(error)) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100 * 4 ** (attempt - 1)));
        }
      }
    }
    // Parts go up four at a time; on failure lib-storage aborts the multipart upload.
    const upload = new Upload({
      client: this.client,
      params: {
        Bucket: this.settings.bucket,
        Key: key,
        Body: createReadStream(path, { highWaterMark: 1 << 20 }),
      },
      partSize: PART_BYTES,
      queueSize: 4,
    });
    await upload.done();
  }

  private async put(key: string, body: string, contentType: string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({ Bucket: this.settings.bucket, Key: key, Body: body, ContentType: contentType }),
    );
  }

  async hasBlob(sha256: string): Promise<boolean> {
    if (!SHA256_PATTERN.test(sha256)) return false;
    try {
      await this.client.send(
        new HeadObjectCommand({ Bucket: this.settings.bucket, Key: this.key("blobs", sha256, "whole.json") }),
      );
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw unavailable(error, "looking for identical content");
    }
  }

  async lookup(id: string): Promise<BundleRecord | null> {
    if (!BUNDLE_ID_PATTERN.test(id)) return null;
    const known = this.records.get(id);
    if (known) return known;
    await this.init();
    let text: string;
    try {
      const object = await this.client.send(
        new GetObjectCommand({ Bucket: this.settings.bucket, Key: this.key("ids", `${id}.json`) }),
      );
      text = await object.Body!.transformToString();
    } catch (error) {
      if (isMissing(error)) return null;
      throw unavailable(error, "looking up the bundle");
    }
    const record = JSON.parse(text) as BundleRecord;
    if (record.id !== id || !SHA256_PATTERN.test(record.sha256)) return null;
    if (this.records.size >= KNOWN_RECORDS) this.records.clear();
    this.records.set(id, record);
    return record;
  }

  private objectKey(record: BundleRecord, area: BlobArea, path: string): string | null {
    if (pathProblem(path) || !SHA256_PATTERN.test(record.sha256)) return null;
    return this.key("blobs", record.sha256, area, path);
  }

  async open(record: BundleRecord, area: BlobArea, path: string): Promise<StoredFile | null> {
    const key = this.objectKey(record, area, path);
    if (!key) return null;
    let size: number;
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.settings.bucket, Key: key }));
      size = head.ContentLength ?? 0;
    } catch (error) {
      if (isMissing(error)) return null;
      throw unavailable(error, "reading the bundle");
    }
    const { client } = this;
    const bucket = this.settings.bucket;
    return {
      size,
      etag: storedEtag(record.sha256, area, path),
      stream: (start = 0, end = size - 1) =>
        Readable.from(
          (async function* () {
            const object = await client.send(
              new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=${start}-${end}` }),
            );
            yield* object.Body as Readable;
          })(),
          { objectMode: false },
        ),
    };
  }

  presignedSeconds(): number | null {
    return this.direct ? this.settings.urlExpirySeconds : null;
  }

  /** A GET URL for one stored file that a browser can use for `urlExpirySeconds` (null for a bad path). */
  async presign(record: BundleRecord, area: BlobArea, path: string): Promise<string | null> {
    const key = this.objectKey(record, area, path);
    return key && this.presignKey(key, this.settings.urlExpirySeconds);
  }

  private presignKey(key: string, seconds: number): Promise<string> {
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.settings.bucket, Key: key }), {
      expiresIn: seconds,
    });
  }
}

async function listFiles(root: string, dir = root, out: { path: string; size: number }[] = []) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) await listFiles(root, full, out);
    else if (entry.isFile())
      out.push({ path: relative(root, full).split(sep).join("/"), size: (await stat(full)).size });
  }
  return out;
}
