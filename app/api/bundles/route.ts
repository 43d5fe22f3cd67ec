import { checkBundle } from "@/lib/store/check-bundle";
import { drainRefusedBody } from "@/lib/store/drain-body";
import { errorResponse, jsonError, storageWritable } from "@/lib/store/http-responses";
import { ingestUpload } from "@/lib/store/ingest";
import { requireUploadToken, serverLimits, serverStore } from "@/lib/store/server-config";
import { publicOrigin, shareUrl } from "@/lib/store/share-url";
import { streamChunks } from "@/lib/store/web-stream";

export const runtime = "nodejs";

/** Upload a bundle (zip, one .arrow run, or multipart files): 201 with its id and share link. */
export async function POST(request: Request): Promise<Response> {
  try {
    requireUploadToken(request.headers);
    const url = new URL(request.url);
    const length = request.headers.get("content-length");
    const { record } = await ingestUpload(
      {
        body: request.body ? streamChunks(request.body) : null,
        contentType: request.headers.get("content-type"),
        contentLength: length === null ? null : Number(length),
        filename: request.headers.get("x-tickscope-filename") ?? url.searchParams.get("name"),
      },
      { store: serverStore(), limits: serverLimits(), check: checkBundle },
    );
    storageWritable();
    const id = record.id;
    return Response.json(
      { id, url: shareUrl(publicOrigin(request), id), api: `/api/bundles/${id}` },
      { status: 201, headers: { Location: `/api/bundles/${id}`, "Cache-Control": "no-store" } },
    );
  } catch (error) {
    const response = errorResponse(error, "upload");
    // A body left unread (too large, or too slow to end) closes the connection rather than being reused.
    if (!(await drainRefusedBody(request))) response.headers.set("Connection", "close");
    return response;
  }
}

/** Nothing lists the stored bundles: a bundle is reached only through its id. */
export function GET(): Response {
  return jsonError(
    405,
    { message: "Bundles are not listed; open one by its id: GET /api/bundles/{id}." },
    { Allow: "POST" },
  );
}
