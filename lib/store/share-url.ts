import { DEFAULT_VIEW, serializeViewState } from "../url/view-state";

/** The link that opens a stored bundle in the dashboard. */
export function shareUrl(origin: string, id: string): string {
  return `${origin}/?${serializeViewState({ ...DEFAULT_VIEW, bundles: [id] })}`;
}

/**
 * The origin links are built on: TICKSCOPE_PUBLIC_URL when set, else the request's Host over http
 * (`next start` serves no TLS). The X-Forwarded-Host and -Proto a proxy adds are believed only with
 * TICKSCOPE_TRUST_PROXY=1: any client can send them, and a share link must not point where the client
 * chose. (Next.js builds `request.url` from X-Forwarded-Proto, so that is not trusted either.)
 */
export function publicOrigin(
  request: Request,
  env: Record<string, string | undefined> = process.env,
): string {
  const configured = env.TICKSCOPE_PUBLIC_URL;
  if (configured) return new URL(configured).origin;
  const trusted = env.TICKSCOPE_TRUST_PROXY === "1";
  const forwarded = (name: string) => (trusted ? request.headers.get(name)?.split(",")[0].trim() : undefined);
  const host = forwarded("x-forwarded-host") ?? request.headers.get("host");
  const protocol = forwarded("x-forwarded-proto") === "https" ? "https" : "http";
  return host && /^[A-Za-z0-9.:[\]-]+$/.test(host)
    ? `${protocol}://${host}`
    : `${protocol}://${new URL(request.url).host}`;
}
