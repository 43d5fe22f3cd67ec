"use client";

import { useEffect, useRef, useState, type ReactNode } from "react";
import { Button } from "../ui/button";
import { useWorkspace } from "./workspace-context";

const ACCEPT = ".zip,.arrow,.arrows,application/zip";

/** Pick a bundle zip or run files, or a bundle folder. */
export function OpenControls({ compact = false }: { compact?: boolean }) {
  const workspace = useWorkspace();
  const files = useRef<HTMLInputElement>(null);
  const folder = useRef<HTMLInputElement>(null);
  useEffect(() => {
    folder.current?.setAttribute("webkitdirectory", "");
  }, []);
  const onPick = (input: HTMLInputElement | null) => {
    if (input?.files?.length) workspace.openFiles(input.files);
    if (input) input.value = "";
  };
  return (
    <div className="flex items-center gap-1.5">
      <Button
        variant="primary"
        onClick={() => files.current?.click()}
        aria-describedby={compact ? undefined : "open-hint"}
      >
        Open files…
      </Button>
      <Button onClick={() => folder.current?.click()}>Open folder…</Button>
      <input
        ref={files}
        data-testid="open-files"
        type="file"
        multiple
        accept={ACCEPT}
        aria-label="Open a bundle zip or Arrow run files"
        className="sr-only"
        tabIndex={-1}
        onChange={(event) => onPick(event.currentTarget)}
      />
      <input
        ref={folder}
        data-testid="open-folder"
        type="file"
        multiple
        aria-label="Open a bundle folder"
        className="sr-only"
        tabIndex={-1}
        onChange={(event) => onPick(event.currentTarget)}
      />
    </div>
  );
}

async function filesFromEntry(entry: FileSystemEntry, path: string, out: File[]): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) =>
      (entry as FileSystemFileEntry).file(resolve, reject),
    );
    out.push(new File([file], file.name, { type: file.type, lastModified: file.lastModified }));
    Object.defineProperty(out[out.length - 1], "webkitRelativePath", { value: `${path}${file.name}` });
    return;
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
      reader.readEntries(resolve, reject),
    );
    if (!batch.length) break;
    for (const child of batch) await filesFromEntry(child, `${path}${entry.name}/`, out);
  }
}

/** The whole page accepts drops: files, zips, and folders (walked with their paths). */
export function DropTarget({ children }: { children: ReactNode }) {
  const workspace = useWorkspace();
  const [over, setOver] = useState(false);
  return (
    <div
      className="relative"
      onDragOver={(event) => {
        if (!event.dataTransfer.types.includes("Files")) return;
        event.preventDefault();
        setOver(true);
      }}
      onDragLeave={(event) => {
        if (event.currentTarget === event.target) setOver(false);
      }}
      onDrop={async (event) => {
        event.preventDefault();
        setOver(false);
        const items = Array.from(event.dataTransfer.items);
        const entries = items
          .map((item) => item.webkitGetAsEntry?.())
          .filter((e): e is FileSystemEntry => !!e);
        if (entries.some((entry) => entry.isDirectory)) {
          const out: File[] = [];
          for (const entry of entries) await filesFromEntry(entry, "", out);
          workspace.openFiles(out);
        } else workspace.openFiles(event.dataTransfer.files);
      }}
    >
      {children}
      {over && (
        <div className="pointer-events-none fixed inset-2 z-50 flex items-center justify-center rounded-xl border-2 border-dashed border-accent bg-accent-soft/80 text-[15px] font-medium text-accent">
          Drop a bundle (.zip or folder) or .arrow run files
        </div>
      )}
    </div>
  );
}
