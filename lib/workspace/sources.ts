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

function topFolder(path: string): string | null {
  const slash = path.indexOf("/");
  return slash < 0 ? null : path.slice(0, slash);
}

/**
 * Sorts what was dropped or picked into jobs: each zip is a bundle, each folder holding a manifest.json
 * is a bundle, every other .arrow file is a run on its own, and anything else is rejected with a reason.
 * Names carry folder paths (webkitRelativePath) when a folder was picked.
 */
export function planOpen(sources: ByteSource[]): OpenJob[] {
  const jobs: OpenJob[] = [];
  const folders = new Map<string, ByteSource[]>();
  const loose: ByteSource[] = [];
  for (const source of sources) {
    const folder = topFolder(source.name);
    if (folder !== null) {
      const list = folders.get(folder) ?? [];
      list.push(source);
      folders.set(folder, list);
    } else loose.push(source);
  }
  for (const [folder, files] of folders) {
    const hasManifest = files.some((file) => file.name === `${folder}/${MANIFEST_FILE}`);
    if (hasManifest) jobs.push({ kind: "folder", name: folder, files });
    else loose.push(...files);
  }
  const looseManifest = loose.find((file) => file.name === MANIFEST_FILE);
  if (looseManifest) {
    jobs.push({ kind: "folder", name: "bundle", files: loose });
    return jobs;
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
