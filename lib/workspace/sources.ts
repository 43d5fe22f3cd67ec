import { MANIFEST_FILE } from "../format/contract";

/**
 * A byte source the workspace can open: a browser Blob/File, or a URL the worker fetches (with HTTP Range
 * requests for raw windows). The server's share links and the demo pass URLs; the file pickers pass Files.
 */
export interface ByteSource {
  /** The name shown beside the run, e.g. "runs/emu-tick.arrow" or "study.zip". */
  name: string;
  size?: number;
  read: Blob | string;
  /** For a URL that expires (presigned on an object store): where to ask for a fresh one. */
  renew?: UrlRenewal;
}

/**
 * A presigned URL's renewal: GET `index` (the bundle's /api/bundles/{id}) again and take the `url` of
 * its `open` entry whose `path` is this one. `expiresAt` (ms, this clock) is when the URL runs out.
 */
export interface UrlRenewal {
  index: string;
  path: string;
  expiresAt: number;
}

export type OpenJob =
  | { kind: "run"; name: string; source: ByteSource }
  | { kind: "zip"; name: string; source: ByteSource }
  | { kind: "folder"; name: string; files: ByteSource[] }
  | { kind: "rejected"; name: string; expected: string; found: string };

const RUN_EXTENSIONS = [".arrow", ".arrows", ".ipc", ".feather"];

function extensionOf(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot < 0 ? "" : name.slice(dot).toLowerCase();
}

/**
 * Sorts what was dropped or picked into jobs: each zip is a bundle; each folder holding a manifest.json
 * is a bundle (picking a parent folder of several bundles opens each of them); every other .arrow file
 * is a run on its own; anything else is rejected with a reason. Names carry folder paths
 * (webkitRelativePath) when a folder was picked.
 */
export function planOpen(sources: ByteSource[]): OpenJob[] {
  const jobs: OpenJob[] = [];
  const folders = sources
    .filter((source) => source.name === MANIFEST_FILE || source.name.endsWith(`/${MANIFEST_FILE}`))
    .map((source) => source.name.slice(0, source.name.length - MANIFEST_FILE.length));
  // The deepest folder first, so that a file goes to the nearest bundle above it.
  const manifests = [...folders].sort((a, b) => b.length - a.length);
  const bundles = new Map<string, ByteSource[]>(manifests.map((folder) => [folder, []]));
  const loose: ByteSource[] = [];
  for (const source of sources) {
    const folder = manifests.find((prefix) => source.name.startsWith(prefix));
    if (folder !== undefined) bundles.get(folder)!.push(source);
    else loose.push(source);
  }
  for (const folder of folders) {
    const name = folder.replace(/\/$/, "") || "bundle";
    const files = bundles
      .get(folder)!
      .map((file) => ({ ...file, name: `${name}/${file.name.slice(folder.length)}` }));
    jobs.push({ kind: "folder", name, files });
  }
  for (const source of loose) {
    const extension = extensionOf(source.name);
    if (extension === ".zip") jobs.push({ kind: "zip", name: source.name, source });
    else if (RUN_EXTENSIONS.includes(extension)) jobs.push({ kind: "run", name: source.name, source });
    else
      jobs.push({
        kind: "rejected",
        name: source.name,
        expected: "a bundle (.zip or a folder with manifest.json) or an Arrow run file (.arrow, .arrows)",
        found: extension ? `a ${extension} file` : "a file without an extension",
      });
  }
  return jobs;
}

/** Files from an <input type=file> or a drop, named with their folder path when there is one. */
export function sourcesFromFiles(files: Iterable<File>): ByteSource[] {
  return Array.from(files, (file) => ({
    name: (file as File & { webkitRelativePath?: string }).webkitRelativePath || file.name,
    size: file.size,
    read: file,
  }));
}
