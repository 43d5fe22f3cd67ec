"use client";

import { useEffect } from "react";
import type { Workspace } from "@/lib/workspace/workspace";

/** `?demo=1` opens the demo bundle served by app/api/demo (what `npm run demo` prints). */
export function useDemo(workspace: Workspace): void {
  useEffect(() => {
    if (new URLSearchParams(window.location.search).get("demo") !== "1") return;
    let live = true;
    (async () => {
      const response = await fetch("/api/demo/index");
      const body = (await response.json()) as { files?: { path: string; size: number }[]; error?: string };
      if (!live) return;
      if (!body.files) {
        workspace.openSources([{ name: "demo", read: "/api/demo/index" }]);
        return;
      }
      workspace.openSources(
        body.files.map((file) => ({
          name: `demo/${file.path}`,
          size: file.size,
          read: `/api/demo/${file.path}`,
        })),
      );
    })();
    return () => {
      live = false;
    };
  }, [workspace]);
}
