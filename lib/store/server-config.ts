import { createHash, timingSafeEqual } from "node:crypto";
import { sendStoredLengths } from "./content-length";
import { FileSystemStore } from "./fs-store";
import { readLimits, type UploadLimits } from "./limits";
import { readS3Settings } from "./s3-settings";
import { S3Store } from "./s3-store";
import type { BundleStore } from "./store";
import { UploadError } from "./upload-error";

/**
 * The server's store and limits, from the environment, made once per process. Kept on globalThis:
 * Next.js bundles each route separately, and all of them must share one store.
 */
const shared = globalThis as typeof globalThis & {
  __tickscopeStore?: BundleStore;
  __tickscopeLimits?: UploadLimits;
};

/**
 * The filesystem store under TICKSCOPE_DATA_DIR, or the S3 store when TICKSCOPE_STORE=s3://bucket/prefix
 * (which still receives and checks uploads under TICKSCOPE_DATA_DIR/tmp before they go to the bucket).
 */
export function serverStore(): BundleStore {
  if (!shared.__tickscopeStore) {
    const local = new FileSystemStore(process.env.TICKSCOPE_DATA_DIR || ".data/store");
    const s3 = readS3Settings();
    shared.__tickscopeStore = s3 ? new S3Store(s3, local) : local;
  }
  return shared.__tickscopeStore;
}

/**
 * Run once as the server starts (instrumentation.ts): the limits read, the store prepared. A setting
 * that makes either impossible stops the server with one line naming it, rather than a server that
 * fails every request.
 */
export async function startServerStore(): Promise<void> {
  sendStoredLengths();
  try {
    serverLimits();
    await serverStore().init();
  } catch (error) {
    console.error(`[tickscope] cannot start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}

export function serverLimits(): UploadLimits {
  shared.__tickscopeLimits ??= readLimits();
  return shared.__tickscopeLimits;
}

const digest = (value: string) => createHash("sha256").update(value).digest();

/**
 * When TICKSCOPE_UPLOAD_TOKEN is set, an upload must carry it: `Authorization: Bearer <token>` (or
 * `X-Tickscope-Token`). Compared in constant time.
 */
export function requireUploadToken(headers: Headers, expected = process.env.TICKSCOPE_UPLOAD_TOKEN): void {
  if (!expected) return;
  const bearer = /^Bearer\s+(.+)$/i.exec(headers.get("authorization") ?? "")?.[1];
  const given = bearer ?? headers.get("x-tickscope-token");
  if (!given)
    throw new UploadError(401, {
      message: "This server requires an upload token: send it as `Authorization: Bearer <token>`.",
      field: "Authorization",
      expected: "Bearer <TICKSCOPE_UPLOAD_TOKEN>",
    });
  if (!timingSafeEqual(digest(given.trim()), digest(expected)))
    throw new UploadError(403, {
      message: "The upload token is wrong.",
      field: "Authorization",
      expected: "the server's TICKSCOPE_UPLOAD_TOKEN",
    });
}
