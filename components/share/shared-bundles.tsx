"use client";

import { useEffect, useRef, useState } from "react";
import type { Workspace } from "@/lib/workspace/workspace";

type Load = { id: string; state: "loading" | "ready" | "missing" | "error"; message?: string };

interface IndexAnswer {
  open?: { path: string; url: string; size: number }[];
  /** Set when the URLs are presigned on an object store: how many seconds they stay good. */
  expires_in?: number;
  /** Bundles stored by an older server list only their files. */
  files?: { path: string; size: number }[];
  error?: { message?: string };
}

/**
 * Opens the bundles a share link names (`b=` ids) from this server: every file by URL (this server's,
 * or presigned on the object store it keeps bundles in), so that the workspace reads runs with HTTP Range, and the summaries the server computed at upload, so that it
 * need not read every sample again. A bundle that does not exist is said so plainly.
 */
export function SharedBundles({ workspace, ids }: { workspace: Workspace; ids: string[] }) {
  const [loads, setLoads] = useState<Load[]>([]);
  const opened = useRef(new Set<string>());

  const key = ids.join(",");
  useEffect(() => {
    const fresh = key ? key.split(",").filter((id) => !opened.current.has(id)) : [];
    if (!fresh.length) return;
    for (const id of fresh) opened.current.add(id);
    const set = (load: Load) => setLoads((all) => [...all.filter((l) => l.id !== load.id), load]);
    for (const id of fresh) {
      set({ id, state: "loading" });
      (async () => {
        try {
          const response = await fetch(`/api/bundles/${encodeURIComponent(id)}`);
          const answer = (await response.json().catch(() => ({}))) as IndexAnswer;
          if (response.status === 404) return set({ id, state: "missing" });
          const open = answer.open ?? answer.files?.map((file) => ({ ...file, url: `files/${file.path}` }));
          if (!response.ok || !open)
            return set({
              id,
              state: "error",
              message: answer.error?.message ?? `the server answered ${response.status}`,
            });
          const index = `/api/bundles/${encodeURIComponent(id)}`;
          const expiresAt = answer.expires_in === undefined ? null : Date.now() + answer.expires_in * 1000;
          workspace.openSources(
            open.map((file) => ({
              name: `${id}/${file.path}`,
              size: file.size,
              // Presigned URLs (an S3 store) are read as given, and renewed from the index when they run out.
              ...(/^https?:\/\//.test(file.url)
                ? { read: file.url, renew: { index, path: file.path, expiresAt: expiresAt ?? Infinity } }
                : { read: `${index}/${file.url.split("/").map(encodeURIComponent).join("/")}` }),
            })),
          );
          set({ id, state: "ready" });
        } catch (error) {
          set({ id, state: "error", message: error instanceof Error ? error.message : String(error) });
        }
      })();
    }
  }, [key, workspace]);

  if (!loads.length) return null;
  const state = loads.some((l) => l.state === "loading")
    ? "loading"
    : loads.some((l) => l.state !== "ready")
      ? "error"
      : "ready";
  return (
    <div data-testid="shared-bundles" data-state={state} className="space-y-1 empty:hidden">
      {loads
        .filter((load) => load.state === "missing" || load.state === "error")
        .map((load) => (
          <p
            key={load.id}
            role="alert"
            data-testid="shared-bundle-missing"
            className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-[12px] text-red-700 dark:border-red-900 dark:bg-red-950 dark:text-red-300"
          >
            {load.state === "missing"
              ? `Bundle not found: "${load.id}" does not exist on this server. The link may be mistyped, or the bundle was never uploaded here.`
              : `Bundle "${load.id}" could not be opened: ${load.message}`}
          </p>
        ))}
    </div>
  );
}
