"use client";

import { useCallback, useReducer, useRef } from "react";
import { Button } from "@/components/ui/button";
import { serializeViewState, type ViewState } from "@/lib/url/view-state";
import type { ByteSource } from "@/lib/workspace/sources";
import { relinkView } from "./relink";
import { CLOSED_DIALOG, shareDialogReducer, type ItemState } from "./share-dialog-state";
import { shareablesOf } from "./shareables";
import { ShareError, storedBundleId, uploadShareable, type Shareable } from "./upload-bundle";

interface ShareButtonProps {
  /** Everything the workspace opened (Files or URLs), as it was opened. */
  sources: () => ByteSource[];
  /** The view to reopen: its bundles are replaced by the uploaded ones. */
  view: ViewState;
}

const megabytes = (item: Shareable) =>
  `${(item.files.reduce((sum, file) => sum + (file.size ?? 0), 0) / 1e6).toFixed(1)} MB`;

const percent = (sent: number, total: number) =>
  total ? Math.min(100, Math.round((sent / total) * 100)) : 0;

/**
 * "Share": says which open bundles it would upload to this server and asks first; then uploads them
 * (with progress; a failed one can be retried) and shows a link that reopens the same view elsewhere.
 */
export function ShareButton({ sources, view }: ShareButtonProps) {
  const [{ phase: dialog, items, states, link, token, copied }, dispatch] = useReducer(
    shareDialogReducer,
    CLOSED_DIALOG,
  );
  const abort = useRef<AbortController | null>(null);

  const upload = useCallback(
    async (list: Shareable[], previous: ItemState[], withToken: string) => {
      abort.current?.abort();
      const controller = new AbortController();
      abort.current = controller;
      dispatch({ type: "begin" });
      const ids = list.map((_, i) => {
        const before = previous[i];
        return before?.state === "done" ? before.id : null;
      });
      for (const [i, item] of list.entries()) {
        if (ids[i] !== null) continue;
        try {
          const shared = await uploadShareable(item, {
            token: withToken || undefined,
            signal: controller.signal,
            onProgress: (sent, total) => dispatch({ type: "progress", index: i, sent, total }),
          });
          ids[i] = shared.id;
          dispatch({ type: "stored", index: i, id: shared.id });
        } catch (error) {
          if (controller.signal.aborted) return;
          dispatch({
            type: "failed",
            index: i,
            message: error instanceof Error ? error.message : String(error),
            status: error instanceof ShareError ? error.status : 0,
          });
        }
      }
      const stored = ids.every((id): id is string => id !== null) ? ids : null;
      const shared =
        stored &&
        relinkView(
          { ...view, bundles: [...new Set(stored)] },
          new Map(list.map((item, i) => [item.name, stored[i]])),
        );
      dispatch({
        type: "settled",
        link: shared ? `${window.location.origin}/?${serializeViewState(shared)}` : null,
      });
    },
    [view],
  );

  const start = () => dispatch({ type: "open", items: shareablesOf(sources()) });

  const close = () => {
    abort.current?.abort();
    dispatch({ type: "close" });
  };

  const copy = async () => {
    if (!link) return;
    try {
      await navigator.clipboard.writeText(link);
      dispatch({ type: "copied" });
    } catch {
      // No clipboard (an insecure origin): the link stays selected for Ctrl-C.
      (document.getElementById("share-link") as HTMLInputElement | null)?.select();
    }
  };

  return (
    <>
      <Button onClick={start} disabled={dialog === "uploading"} data-testid="share-button">
        Share
      </Button>
      {dialog !== "closed" && (
        <div
          role="dialog"
          aria-modal="false"
          aria-labelledby="share-title"
          data-testid="share-dialog"
          data-state={dialog}
          className="fixed top-12 right-4 z-30 w-[26rem] max-w-[calc(100vw-2rem)] space-y-3 rounded-lg border border-line bg-surface p-4 text-[12px] shadow-lg"
        >
          <div className="flex items-center justify-between">
            <h2 id="share-title" className="text-[13px] font-semibold">
              Share this view
            </h2>
            <Button variant="ghost" onClick={close} aria-label="Close">
              ✕
            </Button>
          </div>
          {items.length === 0 && <p className="text-muted">Nothing is open: open a bundle or a run first.</p>}
          {dialog === "confirm" && items.length > 0 && (
            <p data-testid="share-explain">
              Share uploads the open bundles below to this server ({window.location.host}), where anyone with
              the link can read them. Nothing has left this browser yet.
            </p>
          )}
          <ul className="space-y-2">
            {items.map((item, i) => {
              const state = states[i] ?? { state: "waiting" };
              return (
                <li
                  key={`${item.name}-${i}`}
                  data-testid="share-item"
                  data-state={state.state}
                  className="space-y-1"
                >
                  <div className="flex justify-between gap-2">
                    <span className="truncate font-mono" title={item.name}>
                      {item.name}
                    </span>
                    <span className="shrink-0 text-muted">
                      {dialog === "confirm" &&
                        (storedBundleId(item, window.location.origin)
                          ? "already on this server"
                          : megabytes(item))}
                      {state.state === "uploading" && `${percent(state.sent, state.total)}%`}
                      {state.state === "done" && "stored"}
                      {state.state === "waiting" && dialog !== "confirm" && "waiting"}
                      {state.state === "error" && "failed"}
                    </span>
                  </div>
                  {state.state === "uploading" && (
                    <progress className="h-1 w-full" max={100} value={percent(state.sent, state.total)} />
                  )}
                  {state.state === "error" && (
                    <p role="alert" className="text-red-600 dark:text-red-400">
                      {state.message}
                    </p>
                  )}
                </li>
              );
            })}
          </ul>
          {dialog === "confirm" && items.length > 0 && (
            <div className="flex gap-2">
              <Button
                variant="primary"
                data-testid="share-confirm"
                onClick={() => void upload(items, [], token)}
              >
                Upload and make a link
              </Button>
              <Button onClick={close}>Cancel</Button>
            </div>
          )}
          {dialog === "token" && (
            <form
              className="flex gap-2"
              onSubmit={(event) => {
                event.preventDefault();
                void upload(items, states, token);
              }}
            >
              <input
                type="password"
                aria-label="Upload token"
                placeholder="This server's upload token"
                value={token}
                onChange={(event) => dispatch({ type: "token", token: event.target.value })}
                className="h-7 flex-1 rounded-md border border-line bg-canvas px-2"
              />
              <Button type="submit" variant="primary">
                Upload
              </Button>
            </form>
          )}
          {dialog === "error" && (
            <Button
              variant="primary"
              onClick={() => void upload(items, states, token)}
              data-testid="share-retry"
            >
              Retry
            </Button>
          )}
          {dialog === "ready" && link && (
            <div className="flex gap-2">
              <input
                id="share-link"
                data-testid="share-link"
                readOnly
                value={link}
                onFocus={(event) => event.target.select()}
                className="h-7 flex-1 rounded-md border border-line bg-canvas px-2 font-mono"
              />
              <Button variant="primary" onClick={() => void copy()}>
                {copied ? "Copied" : "Copy"}
              </Button>
            </div>
          )}
        </div>
      )}
    </>
  );
}
