import { createReadStream } from "node:fs";
import { lstat, readdir } from "node:fs/promises";
import { basename, join, relative, sep } from "node:path";
import { Readable } from "node:stream";
import { UsageError, type Command } from "../command";
import { parseOptions } from "../options";

const RETRIES = 3;

interface UploadBody {
  contentType: string;
  size: number;
  headers: Record<string, string>;
  /** A fresh stream of the body for each attempt. */
  open(): AsyncIterable<Uint8Array>;
}

function parseArgs(args: string[]) {
  const { values, positionals } = parseOptions(args, {
    server: { type: "string" },
    token: { type: "string" },
    json: { type: "boolean" },
  });
  if (positionals.length > 1) throw new UsageError(`one PATH only, found also "${positionals[1]}"`);
  const path = positionals[0] ?? null;
  const server = values.server ?? process.env.TICKSCOPE_SERVER ?? null;
  const token = values.token ?? process.env.TICKSCOPE_UPLOAD_TOKEN ?? null;
  const json = values.json ?? false;
  if (!path) throw new UsageError("PATH is missing: a bundle (.zip or folder) or a run (.arrow)");
  if (!server) throw new UsageError("--server URL is missing (or set TICKSCOPE_SERVER)");
  let url: URL;
  try {
    url = new URL("/api/bundles", server);
  } catch {
    throw new UsageError(`--server: expected a URL like http://host:3000, found "${server}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new UsageError(`--server: expected an http or https URL, found "${server}"`);
  return { path, url, token, json };
}

async function listFolder(
  root: string,
  dir = root,
  out: { path: string; name: string; size: number }[] = [],
) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) await listFolder(root, full, out);
    else if (entry.isFile())
      out.push({
        path: full,
        name: relative(root, full).split(sep).join("/"),
        size: (await lstat(full)).size,
      });
    // Links and special files are left out: the server would refuse them anyway.
  }
  return out;
}

/** A bundle folder as multipart/form-data, streamed file by file: one part per file, named by its path. */
async function folderBody(folder: string): Promise<UploadBody> {
  const files = await listFolder(folder);
  if (!files.some((f) => f.name === "manifest.json"))
    throw new UsageError(`${folder}: not a bundle folder (no manifest.json)`);
  const boundary = `tickscope-${crypto.randomUUID()}`;
  const encoder = new TextEncoder();
  const head = (name: string) =>
    encoder.encode(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name.replace(/"/g, "%22")}"\r\n` +
        "Content-Type: application/octet-stream\r\n\r\n",
    );
  const tail = encoder.encode(`--${boundary}--\r\n`);
  const crlf = encoder.encode("\r\n");
  const size = files.reduce((n, f) => n + head(f.name).length + f.size + crlf.length, tail.length);
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    size,
    headers: {},
    async *open() {
      for (const file of files) {
        yield head(file.name);
        yield* createReadStream(file.path, { highWaterMark: 1 << 20 });
        yield crlf;
      }
      yield tail;
    },
  };
}

async function bodyFor(path: string): Promise<UploadBody> {
  let stats;
  try {
    stats = await lstat(path);
  } catch {
    throw new UsageError(`${path}: no such file or folder`);
  }
  if (stats.isDirectory()) return folderBody(path);
  if (!stats.isFile()) throw new UsageError(`${path}: not a regular file or folder`);
  const open = () => createReadStream(path, { highWaterMark: 1 << 20 });
  if (/\.zip$/i.test(path)) return { contentType: "application/zip", size: stats.size, headers: {}, open };
  if (/\.arrows?$/i.test(path))
    return {
      contentType: "application/vnd.apache.arrow.file",
      size: stats.size,
      headers: { "X-Tickscope-Filename": basename(path) },
      open,
    };
  throw new UsageError(`${path}: expected a bundle (.zip or a folder) or a run (.arrow)`);
}

function progress(total: number) {
  const tty = process.stderr.isTTY;
  let sent = 0;
  let shown = -1;
  return {
    add(bytes: number) {
      sent += bytes;
      const percent = total ? Math.floor((sent / total) * 100) : 100;
      if (tty && percent !== shown) {
        shown = percent;
        process.stderr.write(
          `\ruploading ${(sent / 1e6).toFixed(1)} of ${(total / 1e6).toFixed(1)} MB (${percent}%)`,
        );
      }
    },
    done() {
      if (tty) process.stderr.write("\n");
    },
  };
}

async function* counted(chunks: AsyncIterable<Uint8Array>, onChunk: (bytes: number) => void) {
  for await (const chunk of chunks) {
    onChunk(chunk.byteLength);
    yield chunk;
  }
}

type Attempt = { ok: true; response: Response } | { ok: false; retry: boolean; message: string };

async function attempt(url: URL, body: UploadBody, token: string | null): Promise<Attempt> {
  const meter = progress(body.size);
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: {
        "Content-Type": body.contentType,
        "Content-Length": String(body.size),
        ...body.headers,
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
      },
      body: Readable.toWeb(Readable.from(counted(body.open(), (n) => meter.add(n)))) as ReadableStream,
      duplex: "half",
    } as RequestInit);
    meter.done();
    if (response.status >= 500 || response.status === 408 || response.status === 429)
      return { ok: false, retry: true, message: `the server answered ${response.status}` };
    return { ok: true, response };
  } catch (error) {
    meter.done();
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    return { ok: false, retry: true, message: cause ?? (error as Error).message };
  }
}

const upload: Command = {
  summary: "upload a bundle (zip or folder) or a run (.arrow) to a tickscope server and print its share link",
  usage:
    "upload PATH --server URL [--token TOKEN] [--json]\n\n" +
    "  PATH       a bundle (.zip or a folder holding manifest.json) or one run (.arrow)\n" +
    "  --server   the tickscope server, e.g. http://localhost:3000 (or TICKSCOPE_SERVER)\n" +
    "  --token    the server's upload token, when it requires one (or TICKSCOPE_UPLOAD_TOKEN)\n" +
    "  --json     print the server's answer ({ id, url }) as JSON instead of the link",
  async run(args) {
    const { path, url, token, json } = parseArgs(args);
    const body = await bodyFor(path);
    let last = "";
    for (let tries = 1; tries <= RETRIES; tries++) {
      const result = await attempt(url, body, token);
      if (result.ok) {
        const { response } = result;
        const text = await response.text();
        let answer: { id?: string; url?: string; error?: { message?: string } };
        try {
          answer = JSON.parse(text);
        } catch {
          throw new UsageError(
            `${url.origin} is not a tickscope server (it answered ${response.status}, not JSON)`,
            1,
          );
        }
        if (response.status !== 201)
          throw new UsageError(
            `the server refused ${path} (${response.status}): ${answer.error?.message ?? text}`,
          );
        console.log(json ? JSON.stringify(answer) : answer.url);
        return 0;
      }
      last = result.message;
      if (!result.retry || tries === RETRIES) break;
      const wait = 500 * 2 ** (tries - 1);
      console.error(`tickscope upload: attempt ${tries} failed (${result.message}); retrying in ${wait} ms`);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    throw new UsageError(`could not upload to ${url.origin}: ${last}`, 1);
  },
};
export default upload;
