import { describe, expect, it } from "vitest";
import { readZipBundle } from "./bundle-reader";
import { craftZip } from "./testing/craft-zip";
import { zipEntries } from "./zip-entries";

const text = (s: string) => new TextEncoder().encode(s);
const manifest = text(
  JSON.stringify({ format: "latency-bundle", version: 1, runs: [{ id: "a", file: "runs/a.arrow" }] }),
);
const payload = new Uint8Array(3000).map((_, i) => (i * 7) % 251);

async function bytesOf(source: Awaited<ReturnType<Awaited<ReturnType<typeof zipEntries>>["open"]>>) {
  if (!source) return null;
  if ("read" in source) return source.read(0, source.size);
  const parts: Uint8Array[] = [];
  for await (const chunk of source) parts.push(chunk);
  return new Uint8Array(parts.flatMap((p) => [...p]));
}

describe("zipEntries (the browser's and the CLI's zip reader, on zip-safety's directory reader)", () => {
  it("reads stored and deflated entries of a ZIP64 archive, which it used to refuse", async () => {
    const zip = craftZip(
      [
        { name: "manifest.json", data: manifest },
        { name: "runs/a.arrow", data: payload, method: 8 },
      ],
      { zip64: true },
    );
    const entries = await zipEntries(zip, "big.zip");
    expect(entries.names()).toEqual(["manifest.json", "runs/a.arrow"]);
    expect(entries.size("runs/a.arrow")).toBe(3000);
    expect(await bytesOf(await entries.open("manifest.json"))).toEqual(manifest);
    expect(await bytesOf(await entries.open("runs/a.arrow"))).toEqual(payload);
  });

  it("leaves out an entry whose path the server would refuse, and the bundle names it as a problem", async () => {
    const zip = craftZip([
      { name: "manifest.json", data: manifest },
      { name: "runs/./a.arrow", data: payload },
      { name: "C:/evil.arrow", data: payload },
    ]);
    const entries = await zipEntries(zip, "b.zip");
    expect(entries.names()).toEqual(["manifest.json"]);
    expect(entries.skipped).toEqual(["runs/./a.arrow", "C:/evil.arrow"]);
    const bundle = await readZipBundle(zip, "b.zip");
    expect(bundle.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          file: "b.zip",
          field: "C:/evil.arrow",
          expected: "a relative path inside the bundle",
        }),
      ]),
    );
  });

  it("refuses what no reader should open: a symbolic link, an encrypted entry, a local header under another name", async () => {
    const link = craftZip([{ name: "runs/a.arrow", data: text("/etc/passwd"), mode: 0o120777 }]);
    await expect(zipEntries(link, "l.zip")).rejects.toMatchObject({
      field: "runs/a.arrow",
      found: "a symbolic link",
    });
    const encrypted = craftZip([{ name: "runs/a.arrow", data: payload, flags: 0x0801 }]);
    await expect(zipEntries(encrypted, "e.zip")).rejects.toThrow(/unencrypted/);
    const hidden = craftZip([{ name: "runs/a.arrow", data: payload, localName: "runs/b.arrow" }]);
    await expect(zipEntries(hidden, "h.zip")).rejects.toThrow(/agrees with the central directory/);
  });

  it("applies the limits it is given: entry count and total size at listing, entry size when opened", async () => {
    const zip = craftZip([
      { name: "manifest.json", data: manifest },
      { name: "runs/a.arrow", data: payload },
    ]);
    await expect(zipEntries(zip, "b.zip", { maxEntries: 1 })).rejects.toThrow(/at most 1 entries/);
    await expect(zipEntries(zip, "b.zip", { maxTotalBytes: 2000 })).rejects.toThrow(
      /at most 2000 bytes unpacked/,
    );
    const entries = await zipEntries(zip, "b.zip", { maxEntryBytes: 2000 });
    expect(await bytesOf(await entries.open("manifest.json"))).toEqual(manifest);
    await expect(entries.open("runs/a.arrow")).rejects.toThrow(/at most 2000 bytes/);
  });
});
