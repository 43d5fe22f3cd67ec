import { FormatError } from "../format/errors";
import { pathProblem } from "../format/zip-safety";
import type { UploadLimits } from "./limits";
import { UploadError } from "./upload-error";
import { writeChunks, type WrittenFile } from "./write-chunks";

const MAX_HEADER_BYTES = 16 * 1024;
const CRLF = Buffer.from("\r\n");
const HEADER_END = Buffer.from("\r\n\r\n");

export function multipartBoundary(contentType: string): string {
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^;\s]{1,70}))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  if (!boundary)
    throw new UploadError(400, {
      message: "A multipart upload needs a boundary in its Content-Type.",
      field: "Content-Type",
      expected: "multipart/form-data; boundary=…",
      found: contentType,
    });
  return boundary;
}

interface PartHeaders {
  name: string | null;
  filename: string | null;
}

function parseHeaders(text: string): PartHeaders {
  const disposition = text
    .split("\r\n")
    .find((line) => line.toLowerCase().startsWith("content-disposition:"));
  const param = (key: string) => {
    const match = new RegExp(`;\\s*${key}="((?:[^"\\\\]|\\\\.)*)"`, "i").exec(disposition ?? "");
    // Browsers percent-encode quotes and line breaks in file names (WHATWG HTML, multipart/form-data).
    return match ? match[1].replace(/%22/g, '"').replace(/%0D/gi, "\r").replace(/%0A/gi, "\n") : null;
  };
  return { name: param("name"), filename: param("filename") };
}

function parentFolders(path: string): string[] {
  const parts = path.split("/");
  return parts.slice(1).map((_, depth) => parts.slice(0, depth + 1).join("/"));
}

/** A part whose path is a file another part's path passes through as a folder, or the other way. */
function fileFolderClash(
  path: string,
  files: ReadonlyMap<string, unknown>,
  folders: ReadonlyMap<string, string>,
): { file: string; inside: string } | null {
  const inside = folders.get(path);
  if (inside) return { file: path, inside };
  const file = parentFolders(path).find((folder) => files.has(folder));
  return file ? { file, inside: path } : null;
}

/**
 * Reads multipart/form-data as it arrives and writes every file part to `filesDir` under the path its
 * file name gives (`manifest.json`, `runs/emu-tick.arrow`): the files of a bundle folder, sent as they
 * are. A single part that is a zip or an Arrow file is left for the caller to unpack (`upload` or
 * `runs/<name>`). Never buffers more than one chunk plus the boundary.
 */
export async function multipartFiles(
  body: AsyncIterable<Uint8Array>,
  boundary: string,
  filesDir: string,
  limits: UploadLimits,
): Promise<Map<string, WrittenFile>> {
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  const iterator = body[Symbol.asyncIterator]();
  // A leading CRLF makes the first delimiter look like every other one.
  let pending: Buffer = Buffer.from(CRLF);
  let ended = false;
  const pull = async (): Promise<boolean> => {
    if (ended) return false;
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      return false;
    }
    pending = pending.length ? Buffer.concat([pending, next.value]) : Buffer.from(next.value);
    return true;
  };
  const truncated = (): never => {
    throw new FormatError({
      file: "multipart body",
      expected: `a closing boundary "--${boundary}--"`,
      found: "the body cut short",
    });
  };
  const need = async (bytes: number) => {
    while (pending.length < bytes) if (!(await pull())) truncated();
  };

  // Preamble: everything up to the first delimiter.
  for (;;) {
    const at = pending.indexOf(delimiter);
    if (at >= 0) {
      pending = pending.subarray(at + delimiter.length);
      break;
    }
    if (pending.length > MAX_HEADER_BYTES) truncated();
    if (!(await pull())) truncated();
  }

  const files = new Map<string, WrittenFile>();
  /** Every folder the parts' paths pass through, with the first path inside it. */
  const folders = new Map<string, string>();
  for (;;) {
    await need(2);
    if (pending[0] === 0x2d && pending[1] === 0x2d) break; // "--": the closing delimiter
    let headerEnd: number;
    while ((headerEnd = pending.indexOf(HEADER_END)) < 0) {
      if (pending.length > MAX_HEADER_BYTES) truncated();
      if (!(await pull())) truncated();
    }
    const headers = parseHeaders(pending.subarray(0, headerEnd).toString("utf8").replace(/^\r\n/, ""));
    pending = pending.subarray(headerEnd + HEADER_END.length);

    async function* partData(): AsyncGenerator<Uint8Array> {
      for (;;) {
        const at = pending.indexOf(delimiter);
        if (at >= 0) {
          if (at > 0) yield pending.subarray(0, at);
          pending = pending.subarray(at + delimiter.length);
          return;
        }
        const safe = pending.length - delimiter.length + 1;
        if (safe > 0) {
          const chunk = pending.subarray(0, safe);
          pending = pending.subarray(safe);
          yield chunk;
        }
        if (!(await pull())) truncated();
      }
    }

    if (headers.filename === null) {
      for await (const chunk of partData()) void chunk; // a plain field: ignored
      continue;
    }
    const path = headers.filename;
    const problem = pathProblem(path);
    if (problem)
      throw new FormatError({
        file: "multipart body",
        field: path,
        expected: "a relative path inside the bundle (no '..', no absolute path)",
        found: `a path that ${problem}`,
      });
    if (files.has(path))
      throw new FormatError({
        file: "multipart body",
        field: path,
        expected: "each path once",
        found: "it twice",
      });
    const clash = fileFolderClash(path, files, folders);
    if (clash)
      throw new FormatError({
        file: "multipart body",
        field: path,
        expected: "a path whose folders are not files",
        found: `"${clash.file}" is a file and the folder of "${clash.inside}"`,
      });
    if (files.size >= limits.maxEntries)
      throw new UploadError(413, {
        message: `A bundle may hold at most ${limits.maxEntries} files.`,
        expected: `at most ${limits.maxEntries} files`,
      });
    for (const folder of parentFolders(path)) if (!folders.has(folder)) folders.set(folder, path);
    files.set(path, await writeChunks(filesDir, path, partData()));
  }
  return files;
}
