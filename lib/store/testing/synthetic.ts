import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { once } from "node:events";
import { open } from "node:fs/promises";
import { FileBlock, Footer } from "apache-arrow/ipc/metadata/file";
import { crc32 } from "node:zlib";
import { RunFileWriter } from "../../format/run-writer";
import type { RunFields } from "../../format/manifest";
import { endOfCentralDirectory, entryHeaders } from "../../format/testing/craft-zip";
import { syntheticBatches, syntheticColumns } from "../../format/testing/synthetic-trace";

/** A reproducible tick run of `count` samples from the one generator, different for every seed. */
export function syntheticSamples(count: number, seed: number) {
  const { ts, duration } = syntheticColumns({ samples: count, seed });
  return { ts, duration };
}

/** Streams a synthetic run of `count` samples to a file, batch by batch. Returns its size and hashes. */
export async function writeSyntheticRun(
  path: string,
  count: number,
  seed: number,
  run: RunFields = { environment: "emulated", scenario: "one-to-all" },
): Promise<{ size: number; sha256: string; crc32: number }> {
  const out = createWriteStream(path);
  const hash = createHash("sha256");
  let size = 0;
  let crc = 0;
  const pending: Uint8Array[] = [];
  const writer = new RunFileWriter(
    (chunk) => {
      const copy = Uint8Array.from(chunk);
      pending.push(copy);
      hash.update(copy);
      crc = crc32(copy, crc);
      size += copy.length;
    },
    { test: "tick", run },
  );
  for (const batch of syntheticBatches({ samples: count, seed })) {
    writer.writeSamples({ ts: batch.ts as BigInt64Array, duration: batch.duration as Uint32Array });
    for (const chunk of pending.splice(0)) if (!out.write(chunk)) await once(out, "drain");
  }
  writer.finish();
  for (const chunk of pending.splice(0)) if (!out.write(chunk)) await once(out, "drain");
  out.end();
  await once(out, "finish");
  return { size, sha256: hash.digest("hex"), crc32: crc >>> 0 };
}

export interface ZipSource {
  name: string;
  bytes?: Uint8Array;
  path?: string;
  size: number;
  crc32: number;
}

/** Writes a zip of stored (uncompressed) entries, streaming files from disk: how a big bundle is packed. */
export async function writeStoredZip(path: string, entries: ZipSource[]): Promise<void> {
  const out = createWriteStream(path);
  const write = async (bytes: Uint8Array) => {
    if (!out.write(bytes)) await once(out, "drain");
  };
  const central: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name);
    const { local, central: header } = entryHeaders(
      { name: entry.name, method: 0, crc32: entry.crc32, compressedSize: entry.size, size: entry.size },
      offset,
    );
    central.push(header, name);
    await write(local);
    await write(name);
    if (entry.bytes) await write(entry.bytes);
    else
      for await (const chunk of createReadStream(entry.path!, { highWaterMark: 1 << 20 })) await write(chunk);
    offset += 30 + name.length + entry.size;
  }
  const directory = Buffer.concat(central);
  await write(directory);
  await write(endOfCentralDirectory(entries.length, directory.length, offset));
  out.end();
  await once(out, "finish");
}

export function bytesEntry(name: string, bytes: Uint8Array): ZipSource {
  return { name, bytes, size: bytes.length, crc32: crc32(bytes) >>> 0 };
}

/**
 * Copies a run file (schema first, as RunFileWriter and the collector write it) laid out as
 * apache-arrow's own file writer does: the schema only in the footer, the footer's offsets moved.
 */
export async function copyWithSchemaOnlyInFooter(from: string, to: string): Promise<void> {
  const input = await open(from, "r");
  try {
    const { size } = await input.stat();
    const head = Buffer.alloc(16);
    await input.read(head, 0, 16, 0);
    const schemaBytes = 8 + head.readInt32LE(12);
    const tail = Buffer.alloc(10);
    await input.read(tail, 0, 10, size - 10);
    const footerLength = tail.readInt32LE(0);
    const footerBytes = Buffer.alloc(footerLength);
    await input.read(footerBytes, 0, footerLength, size - 10 - footerLength);
    const footer = Footer.decode(footerBytes);
    const moved = [...footer.recordBatches()].map(
      (b) => new FileBlock(b.metaDataLength, b.bodyLength, b.offset - schemaBytes),
    );
    const newFooter = Footer.encode(new Footer(footer.schema, footer.version, moved, []));
    const length = Buffer.alloc(4);
    length.writeInt32LE(newFooter.byteLength);
    const out = createWriteStream(to);
    const write = async (bytes: Uint8Array) => {
      if (!out.write(bytes)) await once(out, "drain");
    };
    await write(head.subarray(0, 8));
    const messages = createReadStream(from, {
      start: 8 + schemaBytes,
      end: size - 10 - footerLength - 1,
      highWaterMark: 1 << 20,
    });
    for await (const chunk of messages) await write(chunk);
    await write(newFooter);
    await write(length);
    await write(tail.subarray(4));
    out.end();
    await once(out, "finish");
  } finally {
    await input.close();
  }
}
