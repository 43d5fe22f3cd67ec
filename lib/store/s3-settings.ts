/**
 * The S3 store's settings, read from the environment: `TICKSCOPE_STORE=s3://bucket/prefix` selects it
 * (unset keeps the filesystem store). No SDK here: proxy.ts reads `presignedOrigin` for the page's CSP.
 */
export interface S3Settings {
  bucket: string;
  /** "" or a key prefix ending in "/". */
  prefix: string;
  /** The endpoint's URL (MinIO, Ceph, Garage…); undefined for AWS S3 itself. */
  endpoint: string | undefined;
  region: string;
  forcePathStyle: boolean;
  /** `TICKSCOPE_S3_PROXY`: true streams every read through the server, false never, undefined asks the bucket's CORS. */
  proxy: boolean | undefined;
  /** How long a presigned GET URL is good for, in seconds (15 min; shorter in tests). */
  urlExpirySeconds: number;
  /** Interrupted uploads older than this are cleared when a server starts (other servers may share the bucket). */
  staleUploadSeconds: number;
}

export class SettingError extends Error {
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(`${setting}: ${message}`);
    this.name = "SettingError";
  }
}

type Env = Record<string, string | undefined>;

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
export const DEFAULT_URL_EXPIRY_SECONDS = 15 * 60;
export const DEFAULT_STALE_UPLOAD_SECONDS = 24 * 60 * 60;

function flag(env: Env, name: string): boolean | undefined {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === "") return undefined;
  if (["1", "true", "yes"].includes(raw)) return true;
  if (["0", "false", "no"].includes(raw)) return false;
  throw new SettingError(name, `expected 1 or 0, found "${env[name]}"`);
}

function seconds(env: Env, name: string, fallback: number, min: number, max = Infinity): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max)
    throw new SettingError(name, `expected a number of seconds from ${min} to ${max}, found "${raw}"`);
  return value;
}

/** The S3 settings when TICKSCOPE_STORE names a bucket, null for the filesystem store. */
export function readS3Settings(env: Env = process.env): S3Settings | null {
  const store = env.TICKSCOPE_STORE?.trim();
  if (!store || store === "fs" || store === "filesystem") return null;
  const match = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(store);
  if (!match)
    throw new SettingError(
      "TICKSCOPE_STORE",
      `expected s3://bucket/prefix (or unset for the filesystem store), found "${store}"`,
    );
  const [, bucket, rawPrefix = ""] = match;
  if (!BUCKET.test(bucket))
    throw new SettingError(
      "TICKSCOPE_STORE",
      `"${bucket}" is not a bucket name (3-63 characters: a-z, 0-9, ".", "-")`,
    );
  const prefix = rawPrefix.replace(/^\/+|\/+$/g, "");
  let endpoint = env.TICKSCOPE_S3_ENDPOINT?.trim() || undefined;
  if (endpoint) {
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      throw new SettingError(
        "TICKSCOPE_S3_ENDPOINT",
        `expected a URL like http://host:9000, found "${endpoint}"`,
      );
    }
    if (url.protocol !== "http:" && url.protocol !== "https:")
      throw new SettingError("TICKSCOPE_S3_ENDPOINT", `expected an http or https URL, found "${endpoint}"`);
    endpoint = url.origin + url.pathname.replace(/\/+$/, "");
  }
  return {
    bucket,
    prefix: prefix ? `${prefix}/` : "",
    endpoint,
    region: env.TICKSCOPE_S3_REGION?.trim() || env.AWS_REGION?.trim() || "us-east-1",
    forcePathStyle: flag(env, "TICKSCOPE_S3_FORCE_PATH_STYLE") ?? false,
    proxy: flag(env, "TICKSCOPE_S3_PROXY"),
    urlExpirySeconds: seconds(env, "TICKSCOPE_S3_URL_EXPIRY_SECONDS", DEFAULT_URL_EXPIRY_SECONDS, 1, 604800),
    staleUploadSeconds: seconds(env, "TICKSCOPE_S3_STALE_UPLOAD_SECONDS", DEFAULT_STALE_UPLOAD_SECONDS, 0),
  };
}

/**
 * Where browsers read presigned URLs from, once the store has decided to hand them out (set by the S3
 * store's start-up; null when reads go through this server). Kept on globalThis: proxy.ts and the
 * routes are bundled apart.
 */
const shared = globalThis as typeof globalThis & { __tickscopePresignedOrigin?: string | null };

export function presignedOrigin(): string | null {
  return shared.__tickscopePresignedOrigin ?? null;
}

export function setPresignedOrigin(origin: string | null): void {
  shared.__tickscopePresignedOrigin = origin;
}
