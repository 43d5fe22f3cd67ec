import { fixedUrl, type RenewableUrl } from "./url-renewal";

/**
 * A run or bundle behind a URL, read with HTTP Range requests so that a raw window fetches only its
 * record batches. A server that ignores Range gets one full download, kept in memory.
 * (Shape: lib/format/byte-source.ts's RandomAccessSource.)
 */
export interface UrlSource {
  readonly size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
}

export class HttpError extends Error {
  constructor(
    readonly url: string,
    readonly status: number,
  ) {
    // A presigned URL's query is its credential: never shown.
    super(`${url.split("?")[0]}: the server answered ${status}`);
  }
}

/**
 * A URL that runs out (a presigned one) is renewed before it does, and once more when the server
 * refuses it (403) or cannot be reached from the page (a refused cross-origin answer is a network error).
 */
async function fetchRenewing(urls: RenewableUrl, fetcher: typeof fetch, init?: RequestInit) {
  const url = await urls.current();
  let response: Response;
  try {
    response = await fetcher(url, init);
  } catch (error) {
    const fresh = await urls.renew(url).catch(() => null);
    if (!fresh) throw error;
    return fetcher(fresh, init);
  }
  if (response.status !== 401 && response.status !== 403) return response;
  const fresh = await urls.renew(url).catch(() => null);
  if (!fresh) return response;
  await response.body?.cancel();
  return fetcher(fresh, init);
}

export async function openUrlSource(
  location: string | RenewableUrl,
  knownSize?: number,
  fetcher: typeof fetch = fetch,
): Promise<UrlSource> {
  const urls = typeof location === "string" ? fixedUrl(location) : location;
  const url = await urls.current();
  const get = (init?: RequestInit) => fetchRenewing(urls, fetcher, init);
  let size = knownSize;
  if (size === undefined) {
    const head = await get({ method: "HEAD" });
    if (!head.ok) throw new HttpError(url, head.status);
    const length = head.headers.get("content-length");
    size = length === null ? undefined : Number(length);
  }
  let whole: Promise<Uint8Array> | null = null;
  const download = () =>
    (whole ??= get().then(async (response) => {
      if (!response.ok) throw new HttpError(url, response.status);
      return new Uint8Array(await response.arrayBuffer());
    }));
  if (size === undefined) {
    const bytes = await download();
    size = bytes.byteLength;
  }
  const total = size;
  return {
    size: total,
    async read(offset, length) {
      const end = Math.min(total, offset + length);
      if (end <= offset) return new Uint8Array(0);
      if (whole) return (await whole).subarray(offset, end);
      const response = await get({ headers: { Range: `bytes=${offset}-${end - 1}` } });
      if (response.status === 206) return new Uint8Array(await response.arrayBuffer());
      if (!response.ok) throw new HttpError(url, response.status);
      // 200: no Range support; keep the whole body for every later read.
      whole = response.arrayBuffer().then((buffer) => new Uint8Array(buffer));
      return (await whole).subarray(offset, end);
    },
  };
}
