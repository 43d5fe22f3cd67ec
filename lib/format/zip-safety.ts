import { FormatError } from "./errors";

/**
 * Reads a zip archive's central directory through random access (a Node file handle, `Blob.slice`) and
 * checks every entry before a single byte is unpacked: entry count and sizes, the expansion ratio (zip
 * bombs, overlapping entries included), and names and types (`..`, absolute paths, links, devices).
 * The central directory is the archive's own table of contents; each local header is read too and must
 * agree with it, so that no entry hides behind a second name.
 */

export interface ZipEntry {
  /** The entry's path inside the archive, `/`-separated, already checked by `checkEntryPath`. */
  name: string;
  method: 0 | 8;
  compressedSize: number;
  size: number;
  crc32: number;
  /** Where the entry's (compressed) bytes start in the archive. */
  dataOffset: number;
}

export interface ZipSafetyLimits {
  maxEntries: number;
  maxEntryBytes: number;
  maxUnpackedBytes: number;
  maxExpansionRatio: number;
  /** Entries and archives unpacking to fewer bytes than this are not held to the ratio. */
  ratioExemptBytes: number;
}

export type ReadAt = (offset: number, length: number) => Promise<Uint8Array>;

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX_COMMENT = 0xffff;
const MAX_CENTRAL_DIRECTORY = 64 * 1024 * 1024;
const MAX_PATH_BYTES = 1024;
const MAX_DEPTH = 16;

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
const HOST_UNIX = 3;
const HOST_MACOS = 19;
const DOS_DIRECTORY = 0x10;
const DOS_REPARSE_POINT = 0x400;

const view = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** Why a path may not be unpacked, or null when it may. Shared by zip and multipart uploads. */
export function pathProblem(name: string): string | null {
  if (name.length === 0) return "is empty";
  if (name.includes("\0")) return "contains a NUL byte";
  if (name.includes("\\")) return "contains a backslash";
  if (name.startsWith("/")) return "is an absolute path";
  if (/^[A-Za-z]:/.test(name)) return "is an absolute path (drive letter)";
  if (new TextEncoder().encode(name).length > MAX_PATH_BYTES) return `is longer than ${MAX_PATH_BYTES} bytes`;
  if (/[\u0000-\u001f\u007f]/.test(name)) return "contains a control character";
  const segments = name.replace(/\/$/, "").split("/");
  if (segments.length > MAX_DEPTH) return `is nested deeper than ${MAX_DEPTH} folders`;
  for (const segment of segments) {
    if (segment === "..") return 'climbs out of the bundle with ".."';
    if (segment === "." || segment === "") return "has an empty or '.' path segment";
    if (segment.length > 255) return "has a path segment longer than 255 characters";
  }
  return null;
}

export function checkEntryPath(file: string, name: string): void {
  const problem = pathProblem(name);
  if (problem)
    throw new FormatError({
      file,
      field: name,
      expected: "a relative path inside the bundle (no '..', no absolute path)",
      found: `a path that ${problem}`,
    });
}

async function findEndOfCentralDirectory(read: ReadAt, size: number, file: string) {
  const tailLength = Math.min(size, 22 + MAX_COMMENT);
  const tail = await read(size - tailLength, tailLength);
  const data = view(tail);
  for (let at = tail.length - 22; at >= 0; at--) {
    if (data.getUint32(at, true) !== EOCD) continue;
    if (at + 22 + data.getUint16(at + 20, true) !== tail.length) continue;
    return { offset: size - tailLength + at, record: tail.subarray(at, at + 22) };
  }
  throw new FormatError({
    file,
    expected: "a zip archive (its end-of-central-directory record)",
    found: size === 0 ? "an empty body" : "none: the body is not a zip, or it was cut short",
  });
}

interface Directory {
  entries: number;
  size: number;
  offset: number;
}

async function readDirectoryLocation(read: ReadAt, size: number, file: string): Promise<Directory> {
  const end = await findEndOfCentralDirectory(read, size, file);
  const eocd = view(end.record);
  if (eocd.getUint16(4, true) !== 0 || eocd.getUint16(6, true) !== 0)
    throw new FormatError({
      file,
      expected: "a single-part zip archive",
      found: "a split (multi-disk) archive",
    });
  const directory: Directory = {
    entries: eocd.getUint16(10, true),
    size: eocd.getUint32(12, true),
    offset: eocd.getUint32(16, true),
  };
  const zip64 =
    directory.entries === 0xffff || directory.size === 0xffffffff || directory.offset === 0xffffffff;
  if (!zip64) return directory;
  if (end.offset < 20)
    throw new FormatError({ file, expected: "a zip64 end-of-central-directory locator", found: "none" });
  const locator = view(await read(end.offset - 20, 20));
  if (locator.getUint32(0, true) !== ZIP64_LOCATOR)
    throw new FormatError({ file, expected: "a zip64 end-of-central-directory locator", found: "none" });
  const recordOffset = Number(locator.getBigUint64(8, true));
  if (recordOffset + 56 > end.offset)
    throw new FormatError({
      file,
      expected: "a zip64 record inside the archive",
      found: `offset ${recordOffset}`,
    });
  const record = view(await read(recordOffset, 56));
  if (record.getUint32(0, true) !== ZIP64_EOCD)
    throw new FormatError({ file, expected: "a zip64 end-of-central-directory record", found: "none" });
  return {
    entries: Number(record.getBigUint64(32, true)),
    size: Number(record.getBigUint64(40, true)),
    offset: Number(record.getBigUint64(48, true)),
  };
}

interface CentralEntry {
  name: string;
  flags: number;
  method: number;
  crc32: number;
  compressedSize: number;
  size: number;
  localOffset: number;
  host: number;
  externalAttributes: number;
}

function readZip64Extra(extra: Uint8Array, entry: CentralEntry) {
  const data = view(extra);
  for (let at = 0; at + 4 <= extra.length;) {
    const id = data.getUint16(at, true);
    const length = data.getUint16(at + 2, true);
    if (id === 0x0001) {
      let field = at + 4;
      const next = () => {
        if (field + 8 > at + 4 + length) return null;
        const value = Number(data.getBigUint64(field, true));
        field += 8;
        return value;
      };
      if (entry.size === 0xffffffff) entry.size = next() ?? entry.size;
      if (entry.compressedSize === 0xffffffff) entry.compressedSize = next() ?? entry.compressedSize;
      if (entry.localOffset === 0xffffffff) entry.localOffset = next() ?? entry.localOffset;
    }
    at += 4 + length;
  }
}

function parseCentralDirectory(bytes: Uint8Array, count: number, file: string): CentralEntry[] {
  const data = view(bytes);
  const entries: CentralEntry[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + 46 > bytes.length || data.getUint32(at, true) !== CENTRAL)
      throw new FormatError({
        file,
        field: `entry ${i + 1}`,
        expected: "a central directory header",
        found: "the directory cut short or corrupt",
      });
    const flags = data.getUint16(at + 8, true);
    const nameLength = data.getUint16(at + 28, true);
    const extraLength = data.getUint16(at + 30, true);
    const commentLength = data.getUint16(at + 32, true);
    const end = at + 46 + nameLength + extraLength + commentLength;
    if (end > bytes.length)
      throw new FormatError({
        file,
        field: `entry ${i + 1}`,
        expected: "a whole directory header",
        found: "it cut short",
      });
    const nameBytes = bytes.subarray(at + 46, at + 46 + nameLength);
    const entry: CentralEntry = {
      name: new TextDecoder("utf-8", { fatal: false }).decode(nameBytes),
      flags,
      method: data.getUint16(at + 10, true),
      crc32: data.getUint32(at + 16, true),
      compressedSize: data.getUint32(at + 20, true),
      size: data.getUint32(at + 24, true),
      localOffset: data.getUint32(at + 42, true),
      host: data.getUint8(at + 5),
      externalAttributes: data.getUint32(at + 38, true),
    };
    readZip64Extra(bytes.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength), entry);
    entries.push(entry);
    at = end;
  }
  return entries;
}

function entryKind(entry: CentralEntry): "file" | "directory" | string {
  const isUnix = entry.host === HOST_UNIX || entry.host === HOST_MACOS;
  const mode = entry.externalAttributes >>> 16;
  if (isUnix && mode !== 0) {
    const type = mode & S_IFMT;
    if (type === S_IFLNK) return "a symbolic link";
    if (type === S_IFDIR) return "directory";
    if (type !== S_IFREG && type !== 0) return "a device, socket or pipe";
  }
  if (entry.externalAttributes & DOS_REPARSE_POINT) return "a link (reparse point)";
  if (entry.name.endsWith("/") || entry.externalAttributes & DOS_DIRECTORY) return "directory";
  return "file";
}

function checkEntry(entry: CentralEntry, file: string, limits: ZipSafetyLimits): void {
  const fail = (expected: string, found: string) => {
    throw new FormatError({ file, field: entry.name, expected, found });
  };
  const kind = entryKind(entry);
  if (kind !== "file" && kind !== "directory") fail("a regular file or folder", kind);
  if (entry.flags & 0x1) fail("an unencrypted entry", "an encrypted one");
  if (entry.method !== 0 && entry.method !== 8)
    fail("stored (method 0) or deflated (method 8) data", `compression method ${entry.method}`);
  if (entry.method === 0 && entry.compressedSize !== entry.size)
    fail("a stored entry whose packed and unpacked sizes agree", `${entry.compressedSize} and ${entry.size}`);
  if (entry.size > limits.maxEntryBytes)
    fail(`at most ${limits.maxEntryBytes} bytes unpacked`, `${entry.size} bytes`);
  if (
    entry.size >= limits.ratioExemptBytes &&
    entry.size > limits.maxExpansionRatio * Math.max(1, entry.compressedSize)
  )
    fail(
      `an expansion ratio of at most ${limits.maxExpansionRatio}:1`,
      `${entry.compressedSize} bytes unpacking to ${entry.size} (a zip bomb?)`,
    );
}

/** Where an entry's data starts, from its local header, which must agree with the central directory. */
async function locateData(read: ReadAt, entry: CentralEntry, file: string): Promise<number> {
  const header = view(await read(entry.localOffset, 30));
  if (header.byteLength < 30 || header.getUint32(0, true) !== LOCAL)
    throw new FormatError({
      file,
      field: entry.name,
      expected: "a local file header",
      found: "none at its offset",
    });
  const nameLength = header.getUint16(26, true);
  const extraLength = header.getUint16(28, true);
  const name = new TextDecoder().decode(await read(entry.localOffset + 30, nameLength));
  if (name !== entry.name || header.getUint16(8, true) !== entry.method)
    throw new FormatError({
      file,
      field: entry.name,
      expected: "a local header that agrees with the central directory",
      found: `name "${name}", method ${header.getUint16(8, true)}`,
    });
  return entry.localOffset + 30 + nameLength + extraLength;
}

/**
 * Lists the files of a zip archive of `size` bytes after checking all of it against `limits`.
 * Folders are left out (they are implied by the paths). Throws a `FormatError` naming the entry; an
 * entry whose path breaks the rules (`pathProblem`) too, unless `onUnsafePath` is given: then it is
 * told about it and the entry is left out (a reader that unpacks nothing can show the rest).
 */
export async function readZipEntries(
  read: ReadAt,
  size: number,
  file: string,
  limits: ZipSafetyLimits,
  onUnsafePath?: (name: string, problem: string) => void,
): Promise<ZipEntry[]> {
  const directory = await readDirectoryLocation(read, size, file);
  if (directory.entries > limits.maxEntries)
    throw new FormatError({
      file,
      expected: `at most ${limits.maxEntries} entries`,
      found: `${directory.entries}`,
    });
  if (directory.offset + directory.size > size || directory.size > MAX_CENTRAL_DIRECTORY)
    throw new FormatError({
      file,
      expected: "a central directory inside the archive",
      found: `${directory.size} bytes at offset ${directory.offset} of ${size}`,
    });
  const central = parseCentralDirectory(
    await read(directory.offset, directory.size),
    directory.entries,
    file,
  );

  const seen = new Set<string>();
  const files: (ZipEntry & { localOffset: number })[] = [];
  let unpacked = 0;
  for (const entry of central) {
    const problem = pathProblem(entry.name);
    if (problem && onUnsafePath) {
      onUnsafePath(entry.name, problem);
      continue;
    }
    checkEntryPath(file, entry.name);
    checkEntry(entry, file, limits);
    const key = entry.name.replace(/\/$/, "").toLowerCase();
    if (seen.has(key))
      throw new FormatError({ file, field: entry.name, expected: "each path once", found: "it twice" });
    seen.add(key);
    if (entryKind(entry) === "directory") continue;
    unpacked += entry.size;
    const dataOffset = await locateData(read, entry, file);
    files.push({
      name: entry.name,
      method: entry.method as 0 | 8,
      compressedSize: entry.compressedSize,
      size: entry.size,
      crc32: entry.crc32,
      dataOffset,
      localOffset: entry.localOffset,
    });
  }
  for (const entry of files) {
    const parts = entry.name.split("/");
    for (let depth = 1; depth < parts.length; depth++) {
      const parent = parts.slice(0, depth).join("/").toLowerCase();
      if (files.some((other) => other.name.toLowerCase() === parent))
        throw new FormatError({
          file,
          field: entry.name,
          expected: "a path whose folders are not files",
          found: `"${parent}" is a file`,
        });
    }
  }
  if (unpacked > limits.maxUnpackedBytes)
    throw new FormatError({
      file,
      expected: `at most ${limits.maxUnpackedBytes} bytes unpacked`,
      found: `${unpacked}`,
    });
  if (unpacked >= limits.ratioExemptBytes && unpacked > limits.maxExpansionRatio * Math.max(1, size))
    throw new FormatError({
      file,
      expected: `an expansion ratio of at most ${limits.maxExpansionRatio}:1`,
      found: `${size} bytes unpacking to ${unpacked} (a zip bomb?)`,
    });

  // Entries may not share bytes (the overlapping-entry zip bomb) nor reach into the directory.
  const ordered = [...files].sort((a, b) => a.localOffset - b.localOffset);
  for (let i = 0; i < ordered.length; i++) {
    const end = ordered[i].dataOffset + ordered[i].compressedSize;
    const limit = i + 1 < ordered.length ? ordered[i + 1].localOffset : directory.offset;
    if (end > limit)
      throw new FormatError({
        file,
        field: ordered[i].name,
        expected: "entries that do not overlap each other or the directory",
        found: `data running to byte ${end}, past ${limit}`,
      });
  }
  return files.map(({ name, method, compressedSize, size, crc32, dataOffset }) => ({
    name,
    method,
    compressedSize,
    size,
    crc32,
    dataOffset,
  }));
}
