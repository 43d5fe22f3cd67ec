import { describe, expect, it } from "vitest";
import { openUrlSource } from "./http-source";

const BODY = Uint8Array.from({ length: 100 }, (_, i) => i);

function server(rangeSupport: boolean) {
  const calls: string[] = [];
  const fetcher = (async (_url: string, init?: RequestInit) => {
    const range = new Headers(init?.headers).get("range");
    calls.push(`${init?.method ?? "GET"} ${range ?? ""}`.trim());
    if (init?.method === "HEAD") return new Response(null, { headers: { "content-length": "100" } });
    const match = range && rangeSupport ? /bytes=(\d+)-(\d+)/.exec(range) : null;
    if (match) return new Response(BODY.slice(Number(match[1]), Number(match[2]) + 1), { status: 206 });
    return new Response(BODY);
  }) as typeof fetch;
  return { fetcher, calls };
}

describe("openUrlSource", () => {
  it("reads only the asked bytes with Range requests", async () => {
    const { fetcher, calls } = server(true);
    const source = await openUrlSource("/r.arrow", undefined, fetcher);
    expect(source.size).toBe(100);
    expect(Array.from(await source.read(10, 5))).toEqual([10, 11, 12, 13, 14]);
    expect(Array.from(await source.read(98, 10))).toEqual([98, 99]);
    expect(calls).toEqual(["HEAD", "GET bytes=10-14", "GET bytes=98-99"]);
  });

  it("downloads once when the server ignores Range", async () => {
    const { fetcher, calls } = server(false);
    const source = await openUrlSource("/r.arrow", 100, fetcher);
    expect(Array.from(await source.read(10, 2))).toEqual([10, 11]);
    expect(Array.from(await source.read(50, 2))).toEqual([50, 51]);
    expect(calls).toEqual(["GET bytes=10-11"]);
  });
});
