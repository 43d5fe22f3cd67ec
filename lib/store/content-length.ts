import { ServerResponse } from "node:http";

/**
 * Next.js drops Content-Length from route handler answers (its send-response drops it in case the
 * body was decoded on the way), so a stored file would go out chunked, without a size for range
 * readers and download bars. The store names the length in this private header instead, and the hook
 * installed below turns it into Content-Length as the answer's head is written (unless the answer is
 * being compressed, when the length would be wrong).
 */
export const LENGTH_HEADER = "x-tickscope-content-length";

const installed = Symbol.for("tickscope.contentLength");

/** Installs the hook on Node's HTTP answers once per process (instrumentation.ts calls it). */
export function sendStoredLengths(): void {
  const prototype = ServerResponse.prototype as ServerResponse & { [installed]?: true };
  if (prototype[installed]) return;
  prototype[installed] = true;
  const writeHead = prototype.writeHead;
  prototype.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    const length = this.getHeader(LENGTH_HEADER);
    if (length !== undefined) {
      this.removeHeader(LENGTH_HEADER);
      const framed = ["content-length", "content-encoding", "transfer-encoding"].some((name) =>
        this.hasHeader(name),
      );
      if (!framed) this.setHeader("Content-Length", length);
    }
    return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
  } as ServerResponse["writeHead"];
}
