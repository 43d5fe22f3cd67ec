import { describe, expect, it } from "vitest";
import { openUrlSource } from "./http-source";
import { renewingUrl } from "./url-renewal";

const BODY = Uint8Array.from({ length: 100 }, (_, i) => i);

/**
 * An object store whose presigned URLs carry a generation: only the current one is served; the index
 * (the app server) hands out the next generation each time it is asked.
 */
function objectStore(options: { expiredAnswer: "403" | "network" } = { expiredAnswer: "403" }) {
  let generation = 1;
  const calls: string[] = [];
  const fetcher = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    if (url.startsWith("/api/bundles/")) {
      calls.push("index");
      generation++;
      return Response.json({
        open: [{ path: "runs/a.arrow", url: `https://bucket.example/a?g=${generation}` }],
        expires_in: 900,
      });
    }
    const asked = Number(new URL(url).searchParams.get("g"));
    const range = new Headers(init?.headers).get("range")!;
    calls.push(`g${asked} ${range}`);
    if (asked !== generation) {
      if (options.expiredAnswer === "network") throw new TypeError("Failed to fetch");
      return new Response("<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>", {
        status: 403,
      });
    }
    const [, start, end] = /bytes=(\d+)-(\d+)/.exec(range)!.map(Number);
    return new Response(BODY.slice(start, end + 1), { status: 206 });
  }) as typeof fetch;
  return { fetcher, calls, expire: () => generation++ };
}

const renewal = (expiresAt: number) => ({ index: "/api/bundles/abc", path: "runs/a.arrow", expiresAt });

describe("a presigned run file", () => {
  it("is renewed from the bundle's index when the store refuses it as expired, and the read goes on", async () => {
    const store = objectStore();
    const url = renewingUrl("https://bucket.example/a?g=1", renewal(Date.now() + 900_000), store.fetcher);
    const source = await openUrlSource(url, 100, store.fetcher);
    expect(Array.from(await source.read(10, 3))).toEqual([10, 11, 12]);
    store.expire();
    expect(Array.from(await source.read(50, 2))).toEqual([50, 51]);
    expect(store.calls).toEqual(["g1 bytes=10-12", "g1 bytes=50-51", "index", "g3 bytes=50-51"]);
  });

  it("is renewed when the refusal reaches the page as a network error (no CORS headers on it)", async () => {
    const store = objectStore({ expiredAnswer: "network" });
    const url = renewingUrl("https://bucket.example/a?g=1", renewal(Date.now() + 900_000), store.fetcher);
    const source = await openUrlSource(url, 100, store.fetcher);
    store.expire();
    expect(Array.from(await source.read(0, 2))).toEqual([0, 1]);
    expect(store.calls).toEqual(["g1 bytes=0-1", "index", "g3 bytes=0-1"]);
  });

  it("is renewed before it runs out, so no read is refused", async () => {
    const store = objectStore();
    const url = renewingUrl("https://bucket.example/a?g=1", renewal(Date.now() + 1_000), store.fetcher);
    const source = await openUrlSource(url, 100, store.fetcher);
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(Array.from(await source.read(0, 1))).toEqual([0]);
    expect(store.calls).toEqual(["index", "g2 bytes=0-0"]);
  });

  it("says what failed, without the URL's signature, when renewing does not help", async () => {
    const fetcher = (async (input: string | URL | Request) =>
      String(input).startsWith("/api/")
        ? Response.json({ open: [] })
        : new Response("denied", { status: 403 })) as typeof fetch;
    const url = renewingUrl("https://bucket.example/a?X-Amz-Signature=secret", renewal(Infinity), fetcher);
    const source = await openUrlSource(url, 100, fetcher);
    const error = await source.read(0, 1).catch((e: Error) => e);
    expect(String(error)).toMatch(/^Error: https:\/\/bucket\.example\/a: the server answered 403$/);
  });
});
