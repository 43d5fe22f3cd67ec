"use client";

import { autocompletion } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { PostgreSQL, sql } from "@codemirror/lang-sql";
import { bracketMatching, defaultHighlightStyle, syntaxHighlighting } from "@codemirror/language";
import { Compartment, EditorSelection, EditorState } from "@codemirror/state";
import { EditorView, keymap, lineNumbers, placeholder } from "@codemirror/view";
import { forwardRef, memo, useEffect, useImperativeHandle, useRef } from "react";

export interface SqlEditorHandle {
  /** Puts the cursor at an offset into the text (where DuckDB points) and focuses the editor. */
  focusAt(offset: number): void;
  /** Replaces the selection with `text` (a table or column picked in the catalogue). */
  insert(text: string): void;
}

interface Props {
  value: string;
  onChange: (text: string) => void;
  /** Ctrl/Cmd-Enter. */
  onRun: () => void;
  /** Tables and their columns, for completion. */
  schema: Record<string, string[]>;
}

/** The page's CSP nonce, as Next.js put it on its scripts: CodeMirror puts it on the style tags it injects. */
function pageNonce(): string {
  const script = document.querySelector<HTMLScriptElement>("script[nonce]");
  return script?.nonce || script?.getAttribute("nonce") || "";
}

const theme = EditorView.theme({
  "&": { fontSize: "12.5px", backgroundColor: "var(--color-surface)", color: "var(--color-ink)" },
  ".cm-content": { fontFamily: "var(--font-mono, ui-monospace, monospace)", minHeight: "7.5em" },
  ".cm-gutters": { backgroundColor: "transparent", border: "none", color: "var(--color-muted)" },
  "&.cm-focused": { outline: "none" },
  ".cm-scroller": { maxHeight: "16em", overflow: "auto" },
});

/**
 * CodeMirror 6 with DuckDB-flavoured SQL (the PostgreSQL dialect is its nearest), history and completion.
 * Re-rendered only when its props change, not when a query's answer arrives beside it.
 */
export const SqlEditor = memo(
  forwardRef<SqlEditorHandle, Props>(function SqlEditor({ value, onChange, onRun, schema }, ref) {
    const box = useRef<HTMLDivElement>(null);
    const view = useRef<EditorView | null>(null);
    const language = useRef(new Compartment());
    const callbacks = useRef({ onChange, onRun });
    const initial = useRef(value);

    useEffect(() => {
      callbacks.current = { onChange, onRun };
    }, [onChange, onRun]);

    useEffect(() => {
      if (!box.current) return;
      const editor = new EditorView({
        parent: box.current,
        state: EditorState.create({
          doc: initial.current,
          extensions: [
            EditorView.cspNonce.of(pageNonce()),
            keymap.of([
              {
                key: "Mod-Enter",
                preventDefault: true,
                run: () => {
                  callbacks.current.onRun();
                  return true;
                },
              },
              ...defaultKeymap,
              ...historyKeymap,
            ]),
            history(),
            lineNumbers(),
            bracketMatching(),
            syntaxHighlighting(defaultHighlightStyle),
            autocompletion(),
            language.current.of(sql({ dialect: PostgreSQL, upperCaseKeywords: true })),
            placeholder("SELECT * FROM runs"),
            EditorView.lineWrapping,
            EditorView.contentAttributes.of({ "aria-label": "SQL query", "data-testid": "sql-editor" }),
            EditorView.updateListener.of((update) => {
              if (update.docChanged) callbacks.current.onChange(update.state.doc.toString());
            }),
            theme,
          ],
        }),
      });
      view.current = editor;
      return () => {
        editor.destroy();
        view.current = null;
      };
    }, []);

    // A query from outside (a link, a view's "SQL" button) replaces the text; the user's own edits don't come back here.
    useEffect(() => {
      const editor = view.current;
      if (!editor || editor.state.doc.toString() === value) return;
      editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: value } });
    }, [value]);

    useEffect(() => {
      view.current?.dispatch({
        effects: language.current.reconfigure(sql({ dialect: PostgreSQL, upperCaseKeywords: true, schema })),
      });
    }, [schema]);

    useImperativeHandle(ref, () => ({
      focusAt(offset: number) {
        const editor = view.current;
        if (!editor) return;
        const at = Math.max(0, Math.min(offset, editor.state.doc.length));
        editor.dispatch({ selection: EditorSelection.cursor(at), scrollIntoView: true });
        editor.focus();
      },
      insert(text: string) {
        const editor = view.current;
        if (!editor) return;
        editor.dispatch(editor.state.replaceSelection(text));
        editor.focus();
      },
    }));

    return <div ref={box} className="rounded border border-line" />;
  }),
);
