import { NextResponse, type NextRequest } from "next/server";
import { pageContentSecurityPolicy } from "./lib/security/headers";
import { undecodablePathError, undecodableSegment } from "./lib/store/path-encoding";
import { presignedOrigin } from "./lib/store/s3-settings";

/**
 * Gives every page a Content-Security-Policy with a fresh nonce; Next.js reads it from the request's
 * header and puts it on the scripts it renders. Of the API, only the read routes under
 * /api/bundles/{id} pass here (a proxy that matches a route makes Next.js buffer the request body, and
 * uploads to /api/bundles stream): a path the router cannot decode gets a 400 here, not its bare 500.
 */
export function proxy(request: NextRequest) {
  if (request.nextUrl.pathname.startsWith("/api/")) {
    const segment = undecodableSegment(request.nextUrl.pathname);
    return segment === null
      ? NextResponse.next()
      : NextResponse.json(undecodablePathError(segment), {
          status: 400,
          headers: { "Cache-Control": "no-store" },
        });
  }
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const bucket = presignedOrigin();
  const policy = pageContentSecurityPolicy(
    nonce,
    process.env.NODE_ENV === "development",
    bucket ? [bucket] : [],
  );
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("Content-Security-Policy", policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", policy);
  return response;
}

export const config = {
  matcher: [
    "/api/bundles/:rest+",
    {
      source: "/((?!api/|_next/static|_next/image|duckdb/|favicon.ico).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
