import { zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { craftZip } from "./testing/craft-zip";
import { FormatError } from "./errors";
import { pathProblem, readZipEntries, type ZipSafetyLimits } from "./zip-safety";

const LIMITS: ZipSafetyLimits = {
  maxEntries: 16,
  maxEntryBytes: 1 << 20,
  maxUnpackedBytes: 4 << 20,
  maxExpansionRatio: 100,
  ratioExemptBytes: 64 * 1024,
};

const text = (s: string) => new TextEncoder().encode(s);

function entriesOf(zip: Uint8Array, limits = LIMITS) {
  const read = async (offset: number, length: number) => zip.subarray(offset, offset + length);
  return readZipEntries(read, zip.length, "upload.zip", limits);
}

async function problemOf(zip: Uint8Array, limits = LIMITS): Promise<FormatError> {
  const error = await entriesOf(zip, limits).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FormatError);
  return error as FormatError;
}

describe("readZipEntries", () => {
  it("lists the files of a zip made by a zip library, with where each one's data starts", async () => {
    const manifest = text('{"format":"latency-bundle"}');
    const run = new Uint8Array(5000).map((_, i) => i % 251);
    const zip = zipSync({ "manifest.json": [manifest, { level: 0 }], "runs/a.arrow": [run, { level: 6 }] });
    const entries = await entriesOf(zip);
    expect(entries.map((e) => [e.name, e.method, e.size])).toEqual([
      ["manifest.json", 0, manifest.length],
      ["runs/a.arrow", 8, 5000],
    ]);
    const first = entries[0];
    expect(zip.subarray(first.dataOffset, first.dataOffset + first.size)).toEqual(manifest);
  });

  it.each([
    ["../evil.json", "climbs out"],
    ["runs/../../evil", "climbs out"],
    ["/etc/passwd", "absolute"],
    ["C:/windows/evil", "drive letter"],
    ["runs\\..\\evil", "backslash"],
    ["runs//a.arrow", "empty"],
    ["./manifest.json", "empty or '.'"],
  ])("rejects the entry name %s", async (name, why) => {
    const error = await problemOf(craftZip([{ name, data: text("x") }]));
    expect(error.field).toBe(name);
    expect(error.message).toContain(why);
  });

  it("rejects symbolic links, devices and encrypted entries", async () => {
    expect(
      (await problemOf(craftZip([{ name: "link", data: text("/etc/passwd"), mode: 0o120777 }]))).found,
    ).toBe("a symbolic link");
    expect((await problemOf(craftZip([{ name: "dev", mode: 0o020644 }]))).found).toContain("device");
    expect((await problemOf(craftZip([{ name: "a", data: text("x"), flags: 0x0801 }]))).found).toContain(
      "encrypted",
    );
  });

  it("rejects too many entries, oversized entries and too much unpacked data", async () => {
    const many = craftZip(Array.from({ length: 17 }, (_, i) => ({ name: `f${i}`, data: text("x") })));
    expect((await problemOf(many)).expected).toBe("at most 16 entries");
    const big = craftZip([{ name: "big", data: new Uint8Array((1 << 20) + 1) }]);
    expect((await problemOf(big)).expected).toBe(`at most ${1 << 20} bytes unpacked`);
    const total = craftZip(
      Array.from({ length: 5 }, (_, i) => ({ name: `f${i}`, data: new Uint8Array(1 << 20) })),
    );
    expect((await problemOf(total)).expected).toBe(`at most ${4 << 20} bytes unpacked`);
  });

  it("rejects a zip bomb by its expansion ratio, and one that lies about its sizes", async () => {
    const bomb = craftZip([{ name: "zeros", data: new Uint8Array(1 << 20), method: 8 }]);
    expect((await problemOf(bomb)).expected).toBe("an expansion ratio of at most 100:1");
    const overlapping = craftZip(
      [
        { name: "a", data: new Uint8Array(2000).fill(1) },
        { name: "b", data: new Uint8Array(2000).fill(1) },
      ],
      { overlapSecond: true },
    );
    const error = await problemOf(overlapping);
    expect(error.expected).toBe("entries that do not overlap each other or the directory");
    expect(error.field).toBe("a");
  });

  it("rejects duplicate paths, a file used as a folder, and a local header that disagrees", async () => {
    const twice = craftZip([
      { name: "manifest.json", data: text("{}") },
      { name: "MANIFEST.json", data: text("{}") },
    ]);
    expect((await problemOf(twice)).found).toBe("it twice");
    const fileAsFolder = craftZip([
      { name: "runs", data: text("x") },
      { name: "runs/a.arrow", data: text("y") },
    ]);
    expect((await problemOf(fileAsFolder)).expected).toBe("a path whose folders are not files");
    const disagree = craftZip([{ name: "manifest.json", localName: "../../etc/cron", data: text("{}") }]);
    expect((await problemOf(disagree)).expected).toBe(
      "a local header that agrees with the central directory",
    );
  });

  it("rejects what is not a zip: empty, truncated, or other bytes", async () => {
    expect((await problemOf(new Uint8Array(0))).found).toBe("an empty body");
    const zip = zipSync({ "manifest.json": text("{}") });
    expect((await problemOf(zip.subarray(0, zip.length - 10))).expected).toContain(
      "end-of-central-directory",
    );
    expect((await problemOf(text("ARROW1 not a zip at all"))).expected).toContain("a zip archive");
  });

  it("rejects compression methods it cannot unpack", async () => {
    const error = await problemOf(craftZip([{ name: "a", data: text("x"), method: 12 }]));
    expect(error.found).toBe("compression method 12");
  });
});

describe("pathProblem", () => {
  it("accepts plain relative paths and folders", () => {
    expect(pathProblem("manifest.json")).toBeNull();
    expect(pathProblem("runs/emu-tick.arrow")).toBeNull();
    expect(pathProblem("runs/")).toBeNull();
    expect(pathProblem("a\u0000b")).toBe("contains a NUL byte");
  });
});
