import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FormatError } from "../format/errors";
import { DEFAULT_LIMITS } from "./limits";
import { multipartBoundary, multipartFiles } from "./multipart";

let dir: string;
beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), "tickscope-multipart-"))));
afterEach(() => rm(dir, { recursive: true, force: true }));

/** Builds a multipart body with the browser's FormData encoder, then cuts it into chunks of `size`. */
async function formBody(form: FormData, size: number) {
  const request = new Request("http://x/", { method: "POST", body: form });
  const bytes = new Uint8Array(await request.arrayBuffer());
  const type = request.headers.get("content-type")!;
  async function* chunks() {
    for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
  }
  return { type, bytes, chunks };
}

describe("multipartFiles", () => {
  it.each([1, 7, 64, 100_000])(
    "writes each file part under its path, whatever the chunking (%i bytes)",
    async (size) => {
      const run = new Uint8Array(10_000).map((_, i) => (i * 31) % 256);
      const form = new FormData();
      form.append("title", "ignored field");
      form.append("file", new Blob(['{"format":"latency-bundle"}']), "manifest.json");
      form.append("file", new Blob([run]), "runs/emu-tick.arrow");
      const { type, chunks } = await formBody(form, size);
      const files = await multipartFiles(chunks(), multipartBoundary(type), dir, DEFAULT_LIMITS);
      expect([...files.keys()]).toEqual(["manifest.json", "runs/emu-tick.arrow"]);
      expect(await readFile(join(dir, "manifest.json"), "utf8")).toBe('{"format":"latency-bundle"}');
      expect(new Uint8Array(await readFile(join(dir, "runs/emu-tick.arrow")))).toEqual(run);
      expect(files.get("runs/emu-tick.arrow")!.size).toBe(10_000);
    },
  );

  it("rejects traversal in a part's file name and a body cut short", async () => {
    const evil = new FormData();
    evil.append("file", new Blob(["x"]), "../../etc/cron.d/x");
    const one = await formBody(evil, 1000);
    await expect(
      multipartFiles(one.chunks(), multipartBoundary(one.type), dir, DEFAULT_LIMITS),
    ).rejects.toThrow(FormatError);

    const form = new FormData();
    form.append("file", new Blob(["abcdef"]), "manifest.json");
    const whole = await formBody(form, 1000);
    async function* cut() {
      yield whole.bytes.subarray(0, whole.bytes.length - 20);
    }
    await expect(
      multipartFiles(cut(), multipartBoundary(whole.type), join(dir, "b"), DEFAULT_LIMITS),
    ).rejects.toThrow(/closing boundary/);
  });

  it.each([
    ["runs/emu.arrow", "runs"],
    ["runs", "runs/emu.arrow"],
    ["a/b/c.arrow", "a/b"],
  ])("refuses %s and %s: one path a file, the other a folder, both named", async (first, second) => {
    const form = new FormData();
    form.append("file", new Blob(["x"]), first);
    form.append("file", new Blob(["y"]), second);
    const body = await formBody(form, 1000);
    const refused = multipartFiles(body.chunks(), multipartBoundary(body.type), dir, DEFAULT_LIMITS);
    await expect(refused).rejects.toThrow(FormatError);
    await expect(refused).rejects.toThrow(
      new RegExp(`"${first}"[^"]*"${second}"|"${second}"[^"]*"${first}"`),
    );
  });

  it("needs a boundary", () => {
    expect(() => multipartBoundary("multipart/form-data")).toThrow(/boundary/);
    expect(multipartBoundary('multipart/form-data; boundary="a b"')).toBe("a b");
  });
});
