import type { ByteSource } from "@/lib/workspace/sources";

/** One thing to share: a bundle (a zip, or a folder's files) or a single run file, as it was opened. */
export interface Shareable {
  name: string;
  kind: "zip" | "folder" | "run";
  files: ByteSource[];
}

export interface Shared {
  id: string;
  url: string;
}

export class ShareError extends Error {
  constructor(
    message: string,
    readonly status: number,
    /** Worth trying again as is (network, server trouble); a 4xx needs something changed first. */
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = "ShareError";
  }
}

const STORED = /^\/api\/bundles\/([A-Za-z0-9_-]{22})\/(files|derived)\//;

/** A bundle opened from this server's share link is already stored: its id is reused, nothing uploads. */
export function storedBundleId(item: Shareable, origin: string): string | null {
  const ids = new Set<string>();
  for (const file of item.files) {
    if (typeof file.read !== "string") return null;
    const url = new URL(file.read, origin);
    const match = url.origin === origin ? STORED.exec(url.pathname) : null;
    if (!match) return null;
    ids.add(match[1]);
  }
  return ids.size === 1 ? [...ids][0] : null;
}

async function blobOf(source: ByteSource): Promise<Blob> {
  if (typeof source.read !== "string") return source.read;
  const response = await fetch(source.read);
  if (!response.ok)
    throw new ShareError(
      `${source.name}: could not read it back (${response.status})`,
      response.status,
      true,
    );
  return response.blob();
}

/** The request body: a zip or a run as is; a folder as multipart, one part per file named by its path in the bundle. */
async function requestBody(
  item: Shareable,
): Promise<{ body: Blob | FormData; headers: Record<string, string> }> {
  if (item.kind === "zip")
    return { body: await blobOf(item.files[0]), headers: { "Content-Type": "application/zip" } };
  if (item.kind === "run") {
    const name = item.files[0].name.split("/").pop() ?? "run.arrow";
    return {
      body: await blobOf(item.files[0]),
      headers: { "Content-Type": "application/vnd.apache.arrow.file", "X-Tickscope-Filename": name },
    };
  }
  const form = new FormData();
  const prefix = `${item.name}/`;
  for (const file of item.files) {
    const path = file.name.startsWith(prefix) ? file.name.slice(prefix.length) : file.name;
    form.append("file", await blobOf(file), path);
  }
  return { body: form, headers: {} };
}

/**
 * Uploads one shareable to POST /api/bundles with progress (XMLHttpRequest: fetch reports no upload
 * progress), and answers its id and link. Errors say what the server said.
 */
export async function uploadShareable(
  item: Shareable,
  options: { token?: string; onProgress?: (sent: number, total: number) => void; signal?: AbortSignal } = {},
): Promise<Shared> {
  const stored = storedBundleId(item, window.location.origin);
  if (stored) return { id: stored, url: `${window.location.origin}/?v=1&b=${stored}` };
  const { body, headers } = await requestBody(item);
  return new Promise<Shared>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/bundles");
    for (const [key, value] of Object.entries(headers)) xhr.setRequestHeader(key, value);
    if (options.token) xhr.setRequestHeader("Authorization", `Bearer ${options.token}`);
    xhr.upload.onprogress = (event) =>
      options.onProgress?.(event.loaded, event.lengthComputable ? event.total : 0);
    xhr.onerror = () =>
      reject(new ShareError(`${item.name}: the upload was cut off (network error)`, 0, true));
    xhr.onabort = () => reject(new ShareError(`${item.name}: the upload was cancelled`, 0, true));
    xhr.onload = () => {
      let answer: { id?: string; url?: string; error?: { message?: string } } = {};
      try {
        answer = JSON.parse(xhr.responseText);
      } catch {
        // not JSON: said below
      }
      if (xhr.status === 201 && answer.id && answer.url) return resolve({ id: answer.id, url: answer.url });
      const message = answer.error?.message ?? `the server answered ${xhr.status}`;
      reject(new ShareError(`${item.name}: ${message}`, xhr.status, xhr.status >= 500 || xhr.status === 0));
    };
    options.signal?.addEventListener("abort", () => xhr.abort());
    xhr.send(body);
  });
}
