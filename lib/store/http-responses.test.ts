import { Readable } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import { errorResponse, serveFile, storageWritable } from "./http-responses";
import type { StoredFile } from "./store";

const full = () => Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });

describe("errorResponse", () => {
  afterEach(() => vi.restoreAllMocks());

  it("answers a full disk with 507, logged once until an upload is stored again", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    storageWritable();
    for (let i = 0; i < 3; i++) {
      const response = errorResponse(full(), "upload");
      expect(response.status).toBe(507);
      expect((await response.json()).error.message).toMatch(/the server's storage is full/);
    }
    expect(log).toHaveBeenCalledTimes(1);
    storageWritable();
    errorResponse(full(), "upload");
    expect(log).toHaveBeenCalledTimes(2);
  });

  it("still answers anything else with a logged 500", () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    expect(errorResponse(new Error("boom"), "upload").status).toBe(500);
    expect(log).toHaveBeenCalledTimes(1);
  });
});

describe("serveFile", () => {
  const file: StoredFile = { size: 10, etag: '"abc"', stream: () => Readable.from([Buffer.alloc(10)]) };
  const get = (headers: Record<string, string>, method = "GET") =>
    serveFile(new Request("http://x/f.arrow", { method, headers }), file, "f.arrow");

  it("answers If-None-Match: * (and a matching tag) with 304", () => {
    expect(get({ "if-none-match": "*" }).status).toBe(304);
    expect(get({ "if-none-match": '"other", W/"abc"' }).status).toBe(304);
    expect(get({ "if-none-match": '"other"' }).status).toBe(200);
  });
});
