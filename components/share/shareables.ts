import { planOpen, type ByteSource } from "@/lib/workspace/sources";
import type { Shareable } from "./upload-bundle";

/** What was opened, grouped as the workspace opened it (lib/workspace/sources planOpen): the things to upload. */
export function shareablesOf(sources: ByteSource[]): Shareable[] {
  const items: Shareable[] = [];
  for (const job of planOpen(sources)) {
    if (job.kind === "folder") items.push({ name: job.name, kind: "folder", files: job.files });
    else if (job.kind === "zip" || job.kind === "run")
      items.push({ name: job.name, kind: job.kind, files: [job.source] });
  }
  return items;
}
