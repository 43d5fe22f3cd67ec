import { createHash } from "node:crypto";
import type { BlobArea } from "./store";

/** A stored file's strong validator: its bytes never change under a blob's content hash, in either store. */
export function storedEtag(sha256: string, area: BlobArea, path: string): string {
  return `"${createHash("sha256").update(`${sha256}/${area}/${path}`).digest("base64url").slice(0, 27)}"`;
}
