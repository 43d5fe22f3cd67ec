import { existsSync, readdirSync } from "node:fs";
import { open, readdir, stat } from "node:fs/promises";
import { join, relative, resolve, sep } from "node:path";

/**
 * The demo's bundles, served read-only: a folder of bundle folders. `npm run demo` captures them into
 * .data/demo (or, where capturing is impossible, sets TICKSCOPE_DEMO_DIR to the shipped samples/). GET
 * /api/demo/index lists the files; GET /api/demo/<bundle>/<path> serves one, with Range support so the
 * dashboard fetches raw windows without downloading whole runs.
 */
export const dynamic = "force-dynamic";

function demoDir(): string | null {
  const candidates = [process.env.TICKSCOPE_DEMO_DIR, ".data/demo", "samples"].filter(
    (dir): dir is string => !!dir,
  );
  const found = candidates.find(
    (dir) => existsSync(dir) && readdirSync(dir).some((name) => existsSync(join(dir, name, "manifest.json"))),
  );
  return found ? resolve(found) : null;
}

async function listFiles(root: string, dir = root, out: { path: string; size: number }[] = []) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) await listFiles(root, full, out);
    else if (entry.isFile())
      out.push({ path: relative(root, full).split(sep).join("/"), size: (await stat(full)).size });
  }
  return out;
}

export async function GET(request: Request, { params }: { params: Promise<{ path: string[] }> }) {
  const root = demoDir();
  if (!root) return Response.json({ error: "no demo bundle: run `npm run demo`" }, { status: 404 });
  const { path } = await params;
  if (path.length === 1 && path[0] === "index") {
    const files = (await listFiles(root)).filter((file) => file.path.includes("/"));
    return Response.json({ files });
  }
  const full = resolve(root, ...path);
  if (!full.startsWith(root + sep))
    return Response.json({ error: "outside the demo bundle" }, { status: 400 });
  const info = await stat(full).catch(() => null);
  if (!info?.isFile())
    return Response.json({ error: `no file ${path.join("/")} in the demo bundle` }, { status: 404 });
  const range = /^bytes=(\d+)-(\d*)$/.exec(request.headers.get("range") ?? "");
  const start = range ? Number(range[1]) : 0;
  const end = range && range[2] ? Math.min(Number(range[2]), info.size - 1) : info.size - 1;
  if (start > end && info.size > 0)
    return new Response(null, { status: 416, headers: { "content-range": `bytes */${info.size}` } });
  const length = Math.max(0, end - start + 1);
  const handle = await open(full, "r");
  const body = Buffer.alloc(length);
  try {
    await handle.read(body, 0, length, start);
  } finally {
    await handle.close();
  }
  return new Response(body, {
    status: range ? 206 : 200,
    headers: {
      "content-type": "application/octet-stream",
      "content-length": String(length),
      "accept-ranges": "bytes",
      ...(range ? { "content-range": `bytes ${start}-${end}/${info.size}` } : {}),
    },
  });
}

export async function HEAD(request: Request, context: { params: Promise<{ path: string[] }> }) {
  const response = await GET(request, context);
  return new Response(null, { status: response.status, headers: response.headers });
}
