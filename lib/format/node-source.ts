/** Node-only helpers: a file on disk as a random-access byte source, and a bundle folder's entries. */
import { open, readdir, stat } from "node:fs/promises";
import { basename, join, relative, sep } from "node:path";
import type { RandomAccessSource } from "./byte-source";
import type { BundleEntries } from "./bundle-entries";
import { readBundle, readZipBundle, type Bundle, type BundleOptions } from "./bundle-reader";

/** Opens a file for positional reads; close it when done (summaries read each batch once). */
export async function openFileSource(path: string): Promise<RandomAccessSource & { close(): Promise<void> }> {
  const handle = await open(path, "r");
  const { size } = await handle.stat();
  const readInto = async (offset: number, target: Uint8Array) => {
    const want = Math.max(0, Math.min(target.byteLength, size - offset));
    let done = 0;
    while (done < want) {
      const { bytesRead } = await handle.read(target, done, want - done, offset + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return target.subarray(0, done);
  };
  return {
    size,
    // Not zero-filled: every byte is read into before it is used.
    read: (offset, length) =>
      readInto(
        offset,
        new Uint8Array(Buffer.allocUnsafeSlow(Math.max(0, Math.min(length, size - offset))).buffer),
      ),
    readInto,
    close: () => handle.close(),
  };
}

async function listFiles(root: string, dir: string, out: { name: string; size: number }[], limit: number) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (out.length > limit) return;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await listFiles(root, path, out, limit);
    else if (entry.isFile())
      out.push({ name: relative(root, path).split(sep).join("/"), size: (await stat(path)).size });
  }
}

/** A bundle folder as bundle entries: names relative to the folder, '/'-separated. */
export async function folderEntries(folder: string, maxEntries = 10_000): Promise<BundleEntries> {
  const files: { name: string; size: number }[] = [];
  await listFiles(folder, folder, files, maxEntries);
  const sources: (RandomAccessSource & { close(): Promise<void> })[] = [];
  return {
    names: () => files.map((f) => f.name),
    size: (name) => files.find((f) => f.name === name)?.size,
    async open(name) {
      if (!files.some((f) => f.name === name)) return null;
      const source = await openFileSource(join(folder, ...name.split("/")));
      sources.push(source);
      return source;
    },
    async close() {
      await Promise.all(sources.splice(0).map((s) => s.close()));
    },
  };
}

/**
 * Any PATH the CLI accepts, as a bundle: a folder (with manifest.json), a zip, or one run file
 * (a bundle of one run, no manifest needed).
 */
export async function openPathAsBundle(path: string, options: BundleOptions = {}): Promise<Bundle> {
  const info = await stat(path);
  if (info.isDirectory()) return readBundle(await folderEntries(path, options.maxEntries), path, options);
  const source = await openFileSource(path);
  if (/\.zip$/i.test(path)) {
    const bundle = await readZipBundle(source, path, options);
    const close = bundle.close;
    bundle.close = async () => {
      await close();
      await source.close();
    };
    return bundle;
  }
  const name = basename(path);
  const entries: BundleEntries = {
    names: () => [name],
    size: () => source.size,
    open: async (n) => (n === name ? source : null),
    close: () => source.close(),
  };
  return readBundle(entries, path, { ...options, requireManifest: false });
}
