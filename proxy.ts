import { NextResponse, type NextRequest } from "next/server";
import { pageContentSecurityPolicy } from "./lib/security/headers";

/**
 * Gives every page a Content-Security-Policy with a fresh nonce; Next.js reads it from the request's
 * header and puts it on the scripts it renders. API routes are left out on purpose: a proxy that
 * matches a route makes Next.js buffer the request body (proxyClientMaxBodySize), and uploads stream.
 */
export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const policy = pageContentSecurityPolicy(nonce, process.env.NODE_ENV === "development");
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("Content-Security-Policy", policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", policy);
  return response;
}

export const config = {
  matcher: [
    {
      source: "/((?!api/|_next/static|_next/image|duckdb/|favicon.ico).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
