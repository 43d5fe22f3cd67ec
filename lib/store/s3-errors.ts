import type { S3Settings } from "./s3-settings";
import { SettingError } from "./s3-settings";
import { UploadError } from "./upload-error";

interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

const NETWORK = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "EPIPE",
]);

function status(error: unknown): number | undefined {
  return (error as SdkError | null)?.$metadata?.httpStatusCode;
}

/** The object store could not be reached, or answered that it is failing (5xx, throttling). */
export function isOutage(error: unknown): boolean {
  const e = error as SdkError | null;
  const code = e?.code ?? (e as { cause?: SdkError } | null)?.cause?.code;
  if (code && NETWORK.has(code)) return true;
  if (e?.name === "TimeoutError" || e?.name === "RequestTimeout" || e?.name === "SlowDown") return true;
  const http = status(error);
  return http !== undefined && (http >= 500 || http === 429);
}

export function isMissing(error: unknown): boolean {
  const e = error as SdkError | null;
  return e?.name === "NoSuchKey" || e?.name === "NotFound" || status(error) === 404;
}

/** An outage becomes a 503 the client can read; anything else stays as it was (a 500, logged). */
export function unavailable(error: unknown, doing: string): unknown {
  if (!isOutage(error)) return error;
  return new UploadError(503, {
    message: `The object store is unavailable (${doing}); nothing was stored. Please try again later.`,
  });
}

/** Why the bucket cannot be used, naming the setting to look at: thrown at start-up. */
export function startupProblem(error: unknown, settings: S3Settings): SettingError {
  const e = error as SdkError | null;
  const where = settings.endpoint ?? `AWS S3 (${settings.region})`;
  const code = e?.code ?? (e as { cause?: SdkError } | null)?.cause?.code;
  if (e?.name === "CredentialsProviderError")
    return new SettingError(
      "AWS_ACCESS_KEY_ID",
      `no credentials for the S3 store: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE, or an instance role) (${e.message})`,
    );
  if ((code && NETWORK.has(code)) || e?.name === "TimeoutError")
    return new SettingError(
      "TICKSCOPE_S3_ENDPOINT",
      `cannot reach the object store at ${where} (${code ?? e?.name})`,
    );
  const http = status(error);
  if (http === 404 || e?.name === "NoSuchBucket" || e?.name === "NotFound")
    return new SettingError("TICKSCOPE_STORE", `the bucket "${settings.bucket}" does not exist at ${where}`);
  if (http === 403 || http === 401 || e?.name === "InvalidAccessKeyId" || e?.name === "SignatureDoesNotMatch")
    return new SettingError(
      "AWS_ACCESS_KEY_ID",
      `the object store at ${where} refused these credentials for bucket "${settings.bucket}" (${e?.name ?? http}): check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or AWS_PROFILE)`,
    );
  if (http === 301 || e?.name === "PermanentRedirect" || e?.name === "AuthorizationHeaderMalformed")
    return new SettingError(
      "TICKSCOPE_S3_REGION",
      `the bucket "${settings.bucket}" is in another region than "${settings.region}"`,
    );
  return new SettingError(
    "TICKSCOPE_S3_ENDPOINT",
    `the object store at ${where} answered ${e?.name ?? "an error"}${http ? ` (HTTP ${http})` : ""}: ${e?.message ?? String(error)}`,
  );
}
