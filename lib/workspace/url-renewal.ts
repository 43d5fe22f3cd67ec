import type { UrlRenewal } from "./sources";

/** A URL that may run out: the one to use now, and a fresh one when it failed as if expired. */
export interface RenewableUrl {
  current(): Promise<string>;
  /** A fresh URL after `failed` was refused, or null when there is none to be had. */
  renew(failed: string): Promise<string | null>;
}

export function fixedUrl(url: string): RenewableUrl {
  return { current: async () => url, renew: async () => null };
}

interface IndexAnswer {
  open?: { path: string; url: string }[];
  expires_in?: number;
}

/** One index request answers every file of a bundle whose URLs ran out together. */
const asking = new Map<string, Promise<{ answer: IndexAnswer; at: number }>>();

function askIndex(index: string, fetcher: typeof fetch) {
  let pending = asking.get(index);
  if (!pending) {
    pending = fetcher(index, { cache: "no-store" })
      .then(async (response) => {
        if (!response.ok) throw new Error(`${index}: the server answered ${response.status}`);
        return { answer: (await response.json()) as IndexAnswer, at: Date.now() };
      })
      .finally(() => asking.delete(index));
    asking.set(index, pending);
  }
  return pending;
}

/** Renew this long before a URL runs out: a quarter of its life, at most 30 s. */
const margin = (lifetime: number) => Math.min(30_000, Math.max(0, lifetime) / 4);

/**
 * A presigned URL that renews itself: shortly before it runs out, or when the object store refuses it,
 * the bundle's index is asked again and the entry with the same path gives the fresh URL. A server
 * that now streams the files itself answers a relative URL, taken against the index's address.
 */
export function renewingUrl(url: string, renewal: UrlRenewal, fetcher: typeof fetch = fetch): RenewableUrl {
  let current = url;
  let expiresAt = renewal.expiresAt;
  let early = margin(expiresAt - Date.now());
  const fresh = async (): Promise<string | null> => {
    const { answer, at } = await askIndex(renewal.index, fetcher);
    const entry = answer.open?.find((file) => file.path === renewal.path);
    if (!entry) return null;
    const base = new URL(
      renewal.index.replace(/\/?$/, "/"),
      globalThis.location?.href ?? "http://localhost/",
    );
    current = new URL(entry.url, base).href;
    const lifetime = answer.expires_in === undefined ? Infinity : answer.expires_in * 1000;
    expiresAt = at + lifetime;
    early = margin(lifetime);
    return current;
  };
  return {
    async current() {
      if (Date.now() >= expiresAt - early) await fresh().catch(() => null);
      return current;
    },
    async renew(failed) {
      if (failed !== current) return current;
      return fresh();
    },
  };
}
