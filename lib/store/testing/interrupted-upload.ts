import { request as httpRequest } from "node:http";
import { sha256 } from "./bundles";

/** A response's body as bytes. */
export const bytesOf = async (response: Response) => new Uint8Array(await response.arrayBuffer());

/**
 * An upload cut off mid-send, as a client whose server is killed sees it: the body's first half goes,
 * the rest never comes. Settles when the connection fails (the server went away).
 */
export function halfUpload(base: string, zip: Uint8Array): Promise<void> {
  return new Promise<void>((resolve) => {
    const req = httpRequest(`${base}/api/bundles`, {
      method: "POST",
      headers: { "content-type": "application/zip", "content-length": String(zip.length) },
    });
    req.on("error", () => resolve());
    req.write(zip.subarray(0, zip.length >> 1));
  });
}

/** The sha256 of a file the server serves from a stored bundle. */
export async function servedSha256(base: string, id: string, path: string): Promise<string> {
  return sha256(await bytesOf(await fetch(`${base}/api/bundles/${id}/files/${path}`)));
}
