import type { Shareable } from "./upload-bundle";

/** One open bundle's upload, as the Share dialog shows it. */
export type ItemState =
  | { state: "waiting" }
  | { state: "uploading"; sent: number; total: number }
  | { state: "done"; id: string }
  | { state: "error"; message: string; status: number };

export type DialogPhase = "closed" | "confirm" | "uploading" | "ready" | "error" | "token";

export interface ShareDialogState {
  phase: DialogPhase;
  items: Shareable[];
  states: ItemState[];
  link: string | null;
  token: string;
  copied: boolean;
}

export type ShareDialogAction =
  | { type: "open"; items: Shareable[] }
  | { type: "close" }
  /** Uploads start again: bundles already stored stay done, the others wait. */
  | { type: "begin" }
  | { type: "progress"; index: number; sent: number; total: number }
  | { type: "stored"; index: number; id: string }
  | { type: "failed"; index: number; message: string; status: number }
  /** Every item has been tried; `link` is the shared view's address when all were stored. */
  | { type: "settled"; link: string | null }
  | { type: "token"; token: string }
  | { type: "copied" };

export const CLOSED_DIALOG: ShareDialogState = {
  phase: "closed",
  items: [],
  states: [],
  link: null,
  token: "",
  copied: false,
};

const withItem = (states: ItemState[], index: number, item: ItemState) =>
  states.map((state, i) => (i === index ? item : state));

const refusedToken = (state: ItemState) =>
  state.state === "error" && (state.status === 401 || state.status === 403);

export function shareDialogReducer(dialog: ShareDialogState, action: ShareDialogAction): ShareDialogState {
  switch (action.type) {
    case "open":
      return { ...CLOSED_DIALOG, token: dialog.token, phase: "confirm", items: action.items };
    case "close":
      return { ...dialog, phase: "closed" };
    case "begin":
      return {
        ...dialog,
        phase: "uploading",
        link: null,
        states: dialog.items.map((_, i): ItemState =>
          dialog.states[i]?.state === "done" ? dialog.states[i] : { state: "waiting" },
        ),
      };
    case "progress":
      return {
        ...dialog,
        states: withItem(dialog.states, action.index, {
          state: "uploading",
          sent: action.sent,
          total: action.total,
        }),
      };
    case "stored":
      return { ...dialog, states: withItem(dialog.states, action.index, { state: "done", id: action.id }) };
    case "failed":
      return {
        ...dialog,
        states: withItem(dialog.states, action.index, {
          state: "error",
          message: action.message,
          status: action.status,
        }),
      };
    case "settled":
      if (dialog.states.some(refusedToken)) return { ...dialog, phase: "token" };
      if (dialog.states.some((state) => state.state === "error") || action.link === null)
        return { ...dialog, phase: "error" };
      return { ...dialog, phase: "ready", link: action.link };
    case "token":
      return { ...dialog, token: action.token };
    case "copied":
      return { ...dialog, copied: true };
  }
}
