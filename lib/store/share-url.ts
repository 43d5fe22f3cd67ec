import { DEFAULT_VIEW, serializeViewState } from "../url/view-state";

/** The link that opens a stored bundle in the dashboard. */
export function shareUrl(origin: string, id: string): string {
  return `${origin}/?${serializeViewState({ ...DEFAULT_VIEW, bundles: [id] })}`;
}

/** The origin links are built on: TICKSCOPE_PUBLIC_URL when the server sits behind a proxy, else the request's. */
export function publicOrigin(request: Request): string {
  const configured = process.env.TICKSCOPE_PUBLIC_URL;
  if (configured) return new URL(configured).origin;
  const url = new URL(request.url);
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  const protocol =
    request.headers.get("x-forwarded-proto")?.split(",")[0].trim() ?? url.protocol.replace(":", "");
  return host && /^[A-Za-z0-9.:[\]-]+$/.test(host)
    ? `${protocol === "https" ? "https" : "http"}://${host}`
    : url.origin;
}
