/**
 * What is left of a refused upload's body is read and dropped, within a bound, before the answer goes out.
 * A server that answers and closes while its client is still sending resets the connection, and the
 * client's TCP stack may drop the answer it had not yet read: the user sees "connection reset" instead of
 * why the upload was refused. Web servers linger the same way (nginx's lingering_close). Past the bound
 * (bytes, or time without the body ending) the connection is closed instead: a client sending far more
 * than it may gets no more of the server than that.
 */
export const DRAIN_MAX_BYTES = 32 * 1024 * 1024;
export const DRAIN_MAX_MS = 3000;

export interface DrainBounds {
  maxBytes: number;
  maxMs: number;
}

/** True when the whole body was read (the connection can be kept); false when it was left (close it). */
export async function drainRefusedBody(
  request: Pick<Request, "body" | "bodyUsed" | "headers">,
  bounds: DrainBounds = { maxBytes: DRAIN_MAX_BYTES, maxMs: DRAIN_MAX_MS },
): Promise<boolean> {
  const { body } = request;
  if (!body) return true;
  if (request.bodyUsed || body.locked) return false;
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (declared > bounds.maxBytes) return false;
  const reader = body.getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"late">((resolve) => (timer = setTimeout(() => resolve("late"), bounds.maxMs)));
  let read = 0;
  try {
    for (;;) {
      const next = await Promise.race([reader.read(), late]);
      if (next === "late") return false;
      if (next.done) return true;
      read += next.value.byteLength;
      if (read > bounds.maxBytes) return false;
    }
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
    reader.cancel().catch(() => {});
  }
}
