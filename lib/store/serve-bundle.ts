import { INDEX_FILE, type BundleIndex } from "./check-bundle";
import { errorResponse, IMMUTABLE, notFound, serveFile } from "./http-responses";
import { serverStore } from "./server-config";
import type { BlobArea, BundleRecord, BundleStore } from "./store";

/** GET /api/bundles/{id}: the bundle's index (manifest, runs, summaries' addresses), with its id. */
export async function serveBundleIndex(id: string): Promise<Response> {
  try {
    const store = serverStore();
    const record = await store.lookup(id);
    const file = record && (await store.open(record, "derived", INDEX_FILE));
    if (!record || !file) return notFound(`Bundle "${id}"`);
    const chunks: Buffer[] = [];
    for await (const chunk of file.stream()) chunks.push(chunk as Buffer);
    const index = JSON.parse(Buffer.concat(chunks).toString("utf8")) as BundleIndex;
    const seconds = store.presignedSeconds?.() ?? null;
    if (seconds !== null) return presignedIndex(store, seconds, record, id, index);
    return Response.json(
      { id, created_at: record.created_at, ...index },
      { headers: { "Cache-Control": IMMUTABLE, ETag: file.etag } },
    );
  } catch (error) {
    return errorResponse(error, `bundle ${id}`);
  }
}

/**
 * The index with every file a browser opens given as a presigned URL on the bucket, good for
 * `expires_in` seconds: the browser reads the objects by Range itself and asks here again for fresh
 * URLs when they run out. Never cached, since the URLs expire.
 */
async function presignedIndex(
  store: BundleStore,
  seconds: number,
  record: BundleRecord,
  id: string,
  index: BundleIndex,
) {
  const open = await Promise.all(
    index.open.map(async (file) => {
      const [area, ...rest] = file.url.split("/");
      const url = await store.presign!(record, area as BlobArea, rest.join("/"));
      if (!url) throw new Error(`bundle ${id}: the index names a file it cannot sign: ${file.url}`);
      return { ...file, url };
    }),
  );
  return Response.json(
    { id, created_at: record.created_at, ...index, open, expires_in: seconds },
    { headers: { "Cache-Control": "no-store" } },
  );
}

/** GET/HEAD /api/bundles/{id}/{files|derived}/{path}: one stored file, with Range. */
export async function serveBundleFile(
  request: Request,
  id: string,
  area: BlobArea,
  segments: string[],
): Promise<Response> {
  try {
    const store = serverStore();
    const path = segments.join("/");
    const record = await store.lookup(id);
    if (!record) return notFound(`Bundle "${id}"`);
    const file = await store.open(record, area, path);
    if (!file) return notFound(`File "${path}" of bundle "${id}"`);
    return serveFile(request, file, path);
  } catch (error) {
    return errorResponse(error, `bundle ${id} file`);
  }
}
