import { DEFAULT_VIEW, serializeViewState } from "../url/view-state";

/** The link that opens a stored bundle in the dashboard. */
export function shareUrl(origin: string, id: string): string {
  return `${origin}/?${serializeViewState({ ...DEFAULT_VIEW, bundles: [id] })}`;
}

/** The origin links are built on: TICKSCOPE_PUBLIC_URL when the server sits behind a proxy, else the request's. */
export function publicOrigin(request: Request): string {
  const configured = process.env.TICKSCOPE_PUBLIC_URL;
  return configured ? new URL(configured).origin : new URL(request.url).origin;
}
