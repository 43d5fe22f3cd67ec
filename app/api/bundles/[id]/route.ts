import { serveBundleIndex } from "@/lib/store/serve-bundle";

export const runtime = "nodejs";

export async function GET(
  _request: Request,
  context: { params: Promise<{ id: string }> },
): Promise<Response> {
  const { id } = await context.params;
  return serveBundleIndex(id);
}
