import { crc32, deflateRawSync } from "node:zlib";

/** One entry of a hand-made zip; every field a real zip tool would fill in can be set wrong on purpose. */
export interface CraftedEntry {
  name: string;
  data?: Uint8Array;
  method?: 0 | 8 | number;
  /** Unix mode (with its type bits) stored in the external attributes; 0o100644 by default. */
  mode?: number;
  host?: number;
  flags?: number;
  /** Override what the headers declare. */
  size?: number;
  compressedSize?: number;
  crc32?: number;
  /** A different name in the local header than in the central directory. */
  localName?: string;
}

/** Builds a zip archive byte by byte, so tests can make the malformed ones zip tools refuse to write. */
export function craftZip(
  entries: CraftedEntry[],
  options: { overlapSecond?: boolean; zip64?: boolean } = {},
): Uint8Array {
  if (options.overlapSecond) return overlapping(entries);
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  entries.forEach((entry) => {
    const data = Buffer.from(entry.data ?? new Uint8Array(0));
    const method = entry.method ?? 0;
    const packed = method === 8 ? deflateRawSync(data) : data;
    const name = Buffer.from(entry.name);
    const localName = Buffer.from(entry.localName ?? entry.name);
    const crc = entry.crc32 ?? crc32(data) >>> 0;
    const size = entry.size ?? data.length;
    const compressedSize = entry.compressedSize ?? packed.length;
    const { local, central: header } = entryHeaders(
      { ...entry, method, crc32: crc, size, compressedSize, localName: localName.length },
      offset,
    );
    central.push(header, name);
    locals.push(local, localName, packed);
    offset += 30 + localName.length + packed.length;
  });
  const directory = Buffer.concat(central);
  if (options.zip64) {
    const records = zip64Records(entries.length, directory.length, offset);
    const end = endOfCentralDirectory(0xffff, 0xffffffff, 0xffffffff);
    return new Uint8Array(Buffer.concat([...locals, directory, records, end]));
  }
  const end = endOfCentralDirectory(entries.length, directory.length, offset);
  return new Uint8Array(Buffer.concat([...locals, directory, end]));
}

/** What an entry's two headers declare; `localName` is the byte length of the name in the local header. */
export interface EntryFields {
  name: string;
  localName?: number;
  method: number;
  flags?: number;
  crc32: number;
  compressedSize: number;
  size: number;
  mode?: number;
  host?: number;
}

/** An entry's local header (without its name) and central directory header (without its name). */
export function entryHeaders(entry: EntryFields, localOffset: number): { local: Buffer; central: Buffer } {
  const flags = entry.flags ?? 0x0800;
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(flags, 6);
  local.writeUInt16LE(entry.method, 8);
  local.writeUInt32LE(entry.crc32, 14);
  local.writeUInt32LE(entry.compressedSize, 18);
  local.writeUInt32LE(entry.size, 22);
  local.writeUInt16LE(entry.localName ?? Buffer.byteLength(entry.name), 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(((entry.host ?? 3) << 8) | 20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(flags, 8);
  central.writeUInt16LE(entry.method, 10);
  central.writeUInt32LE(entry.crc32, 16);
  central.writeUInt32LE(entry.compressedSize, 20);
  central.writeUInt32LE(entry.size, 24);
  central.writeUInt16LE(Buffer.byteLength(entry.name), 28);
  central.writeUInt32LE(((entry.mode ?? 0o100644) << 16) >>> 0, 38);
  central.writeUInt32LE(localOffset, 42);
  return { local, central };
}

/** The zip's end record: entry count, central directory size and where the directory starts. */
export function endOfCentralDirectory(entries: number, directoryBytes: number, directoryAt: number): Buffer {
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries, 8);
  end.writeUInt16LE(entries, 10);
  end.writeUInt32LE(directoryBytes, 12);
  end.writeUInt32LE(directoryAt, 16);
  return end;
}

/** A ZIP64 end record and its locator, as a writer puts them when the plain end record cannot hold a count. */
function zip64Records(entries: number, directoryBytes: number, directoryAt: number): Buffer {
  const record = Buffer.alloc(56);
  record.writeUInt32LE(0x06064b50, 0);
  record.writeBigUInt64LE(44n, 4);
  record.writeUInt16LE(45, 12);
  record.writeUInt16LE(45, 14);
  record.writeBigUInt64LE(BigInt(entries), 24);
  record.writeBigUInt64LE(BigInt(entries), 32);
  record.writeBigUInt64LE(BigInt(directoryBytes), 40);
  record.writeBigUInt64LE(BigInt(directoryAt), 48);
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(0x07064b50, 0);
  locator.writeBigUInt64LE(BigInt(directoryAt + directoryBytes), 8);
  locator.writeUInt32LE(1, 16);
  return Buffer.concat([record, locator]);
}

/**
 * The overlapping-entry zip bomb (Fifield, 2019): the first entry's data holds the second entry whole
 * (local header and data), so the second is unpacked twice from the same bytes.
 */
function overlapping([outer, inner]: CraftedEntry[]): Uint8Array {
  const innerZip = craftZip([inner]);
  const innerLocal = innerZip.subarray(0, 30 + Buffer.byteLength(inner.name) + (inner.data?.length ?? 0));
  const whole = craftZip([{ ...outer, data: innerLocal }, inner]);
  // Point the second central header at the copy inside the first entry's data.
  const buffer = Buffer.from(whole);
  const directoryOffset = buffer.readUInt32LE(buffer.length - 6);
  const secondHeader = directoryOffset + 46 + Buffer.byteLength(outer.name);
  buffer.writeUInt32LE(30 + Buffer.byteLength(outer.name), secondHeader + 42);
  return new Uint8Array(buffer);
}
