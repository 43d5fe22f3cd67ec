import { Readable } from "node:stream";
import { FormatError } from "../format/errors";
import { LENGTH_HEADER } from "./content-length";
import { parseRange } from "./http-range";
import type { StoredFile } from "./store";
import { isUploadError, type ErrorDetail } from "./upload-error";

const NO_STORE = { "Cache-Control": "no-store" };
export const IMMUTABLE = "public, max-age=31536000, immutable";

export function jsonError(
  status: number,
  detail: ErrorDetail,
  headers: Record<string, string> = {},
): Response {
  const error = Object.fromEntries(Object.entries(detail).filter(([, value]) => value !== undefined));
  return Response.json({ error }, { status, headers: { ...NO_STORE, ...headers } });
}

export function notFound(what: string): Response {
  return jsonError(404, {
    message: `${what} does not exist: the link may be mistyped, or the bundle was never uploaded here.`,
  });
}

/** A full disk is logged once, not once per refused upload, until an upload is stored again. */
const storage = { fullLogged: false };

/** An upload was stored: the next full disk is news again. */
export function storageWritable(): void {
  storage.fullLogged = false;
}

/**
 * Turns any error into a response: bad input says what and where (4xx); anything else is logged here
 * and answered with a generic 500, never a stack trace. A full disk is a 507, logged once.
 */
export function errorResponse(error: unknown, context: string): Response {
  if (isUploadError(error)) return jsonError(error.status, error.detail);
  if (error instanceof FormatError) {
    const { message, file, field, row, expected, found } = error;
    return jsonError(400, { message, file, field, row, expected, found });
  }
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === "ECONNRESET" || code === "ABORT_ERR" || (error as Error | null)?.name === "AbortError")
    return jsonError(400, { message: "The upload was interrupted before it ended." });
  if (code === "ENOSPC" || code === "EDQUOT") {
    if (!storage.fullLogged)
      console.error(
        `[tickscope] ${context}: the server's storage is full (${code}); refusing uploads until it has room`,
      );
    storage.fullLogged = true;
    return jsonError(507, {
      message:
        "The upload was refused: the server's storage is full. Retrying will not help until space is freed.",
    });
  }
  console.error(`[tickscope] ${context}:`, error);
  return jsonError(500, { message: "The server failed on this request; it is logged. Please try again." });
}

const CONTENT_TYPES: [RegExp, string][] = [
  [/\.arrow$/i, "application/vnd.apache.arrow.file"],
  [/\.arrows$/i, "application/vnd.apache.arrow.stream"],
  [/\.json$/i, "application/json"],
];

export function contentTypeOf(path: string): string {
  return CONTENT_TYPES.find(([pattern]) => pattern.test(path))?.[1] ?? "application/octet-stream";
}

/**
 * Serves a stored file with HTTP Range (one range; 206/416), a strong ETag (304 on a match) and
 * immutable caching: the bytes under an id never change.
 */
export function serveFile(request: Request, file: StoredFile, path: string): Response {
  const headers: Record<string, string> = {
    "Accept-Ranges": "bytes",
    ETag: file.etag,
    "Cache-Control": IMMUTABLE,
    "Content-Type": contentTypeOf(path),
    "Content-Disposition": "attachment",
  };
  const ifNoneMatch = request.headers.get("if-none-match")?.trim();
  if (
    ifNoneMatch === "*" ||
    ifNoneMatch?.split(",").some((tag) => tag.trim().replace(/^W\//, "") === file.etag)
  )
    return new Response(null, { status: 304, headers });
  const ifRange = request.headers.get("if-range");
  const range = ifRange && ifRange !== file.etag ? null : parseRange(request.headers.get("range"), file.size);
  if (range === "unsatisfiable")
    return jsonError(
      416,
      { message: `The requested range is outside the file (${file.size} bytes).` },
      {
        "Content-Range": `bytes */${file.size}`,
      },
    );
  const start = range?.start ?? 0;
  const end = range?.end ?? file.size - 1;
  const length = file.size === 0 ? 0 : end - start + 1;
  headers["Content-Length"] = String(length);
  headers[LENGTH_HEADER] = String(length);
  if (range) headers["Content-Range"] = `bytes ${start}-${end}/${file.size}`;
  const status = range ? 206 : 200;
  if (request.method === "HEAD" || length === 0) return new Response(null, { status, headers });
  const body = Readable.toWeb(file.stream(start, end)) as ReadableStream<Uint8Array>;
  return new Response(body, { status, headers });
}
