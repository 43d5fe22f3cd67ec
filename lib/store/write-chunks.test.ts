import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../format/testing/temp-dir";
import { writeChunks } from "./write-chunks";

async function* chunked(bytes: Uint8Array, sizes: number[]): AsyncGenerator<Uint8Array> {
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const size = sizes[i % sizes.length];
    yield bytes.slice(at, at + size);
    at += size;
  }
}

describe("writeChunks", () => {
  it("writes, hashes and taps every byte whatever the chunk sizes, small ones gathered and large ones whole", async () => {
    const bytes = new Uint8Array(11 * 1024 * 1024 + 123);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 24;
    const root = tempDir("write-chunks-");
    const sizes = [1, 65_536, 5 * 1024 * 1024, 777, 3 * 1024 * 1024];
    const tapped: Uint8Array[] = [];
    const written = await writeChunks(root, "runs/a.arrow", chunked(bytes, sizes), (b) => {
      tapped.push(b);
    });
    const onDisk = readFileSync(join(root, "runs", "a.arrow"));
    expect(Buffer.compare(Buffer.concat(tapped), Buffer.from(bytes))).toBe(0);
    expect(written.size).toBe(bytes.length);
    expect(Buffer.compare(onDisk, Buffer.from(bytes))).toBe(0);
    expect(written.sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
  });

  it("refuses a path outside its root and never overwrites a file", async () => {
    const root = tempDir("write-chunks-");
    await expect(writeChunks(root, "../escape", chunked(new Uint8Array(4), [4]))).rejects.toThrow(/outside/);
    await writeChunks(root, "x", chunked(new Uint8Array(4), [4]));
    await expect(writeChunks(root, "x", chunked(new Uint8Array(4), [4]))).rejects.toThrow(/EEXIST/);
  });
});
