import { describe, expect, it } from "vitest";
import { publicOrigin } from "./share-url";

const request = (headers: Record<string, string>) =>
  new Request("http://127.0.0.1:3000/api/bundles", { headers });
const forwarded = {
  host: "127.0.0.1:3000",
  "x-forwarded-host": "evil.example",
  "x-forwarded-proto": "https",
};

describe("publicOrigin", () => {
  it("ignores X-Forwarded-Host and -Proto unless TICKSCOPE_TRUST_PROXY=1", () => {
    expect(publicOrigin(request(forwarded), {})).toBe("http://127.0.0.1:3000");
    expect(publicOrigin(request(forwarded), { TICKSCOPE_TRUST_PROXY: "0" })).toBe("http://127.0.0.1:3000");
    expect(publicOrigin(request(forwarded), { TICKSCOPE_TRUST_PROXY: "1" })).toBe("https://evil.example");
  });

  it("builds on http from the Host when nothing is trusted, whatever scheme the request URL claims", () => {
    const claimed = new Request("https://127.0.0.1:3000/api/bundles", { headers: forwarded });
    expect(publicOrigin(claimed, {})).toBe("http://127.0.0.1:3000");
  });

  it("takes the first of a proxy chain's forwarded values, and refuses a host that is not a host", () => {
    const chain = { ...forwarded, "x-forwarded-host": "share.example, inner.local" };
    expect(publicOrigin(request(chain), { TICKSCOPE_TRUST_PROXY: "1" })).toBe("https://share.example");
    const odd = { ...forwarded, "x-forwarded-host": "a/b@c" };
    expect(publicOrigin(request(odd), { TICKSCOPE_TRUST_PROXY: "1" })).toBe("https://127.0.0.1:3000");
  });

  it("uses TICKSCOPE_PUBLIC_URL over every header", () => {
    expect(
      publicOrigin(request(forwarded), {
        TICKSCOPE_PUBLIC_URL: "https://ts.example/x",
        TICKSCOPE_TRUST_PROXY: "1",
      }),
    ).toBe("https://ts.example");
  });
});
