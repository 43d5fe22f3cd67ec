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
    super(`${url}: the server answered ${status}`);
  }
}

export async function openUrlSource(
  url: string,
  knownSize?: number,
  fetcher: typeof fetch = fetch,
): Promise<UrlSource> {
  let size = knownSize;
  if (size === undefined) {
    const head = await fetcher(url, { method: "HEAD" });
    if (!head.ok) throw new HttpError(url, head.status);
    const length = head.headers.get("content-length");
    size = length === null ? undefined : Number(length);
  }
  let whole: Promise<Uint8Array> | null = null;
  const download = () =>
    (whole ??= fetcher(url).then(async (response) => {
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
      const response = await fetcher(url, { headers: { Range: `bytes=${offset}-${end - 1}` } });
      if (response.status === 206) return new Uint8Array(await response.arrayBuffer());
      if (!response.ok) throw new HttpError(url, response.status);
      // 200: no Range support; keep the whole body for every later read.
      whole = response.arrayBuffer().then((buffer) => new Uint8Array(buffer));
      return (await whole).subarray(offset, end);
    },
  };
}
