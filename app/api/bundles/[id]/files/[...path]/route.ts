import { serveBundleFile } from "@/lib/store/serve-bundle";

export const runtime = "nodejs";

type Context = { params: Promise<{ id: string; path: string[] }> };

export async function GET(request: Request, context: Context): Promise<Response> {
  const { id, path } = await context.params;
  return serveBundleFile(request, id, "files", path);
}

export async function HEAD(request: Request, context: Context): Promise<Response> {
  const { id, path } = await context.params;
  return serveBundleFile(request, id, "files", path);
}
