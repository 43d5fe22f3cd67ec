import type { ReactNode } from "react";

export type PanelState = "loading" | "ready" | "error" | "empty";

interface Props {
  title: string;
  testId: string;
  state: PanelState;
  /** Shown in place of the body while loading, e.g. progress. */
  loadingText?: string;
  error?: string | null;
  empty?: ReactNode;
  actions?: ReactNode;
  subtitle?: ReactNode;
  children?: ReactNode;
  className?: string;
  /**
   * Mount the children while loading too, laid out but invisible behind the skeleton, so that what
   * they set up (a chart) is done before the data arrives.
   */
  keepChildren?: boolean;
  /**
   * Ready content still on screen while the panel waits for a newer answer (a view fed by SQL whose
   * query changed): shown as it is, but `data-state` reads loading until the answer arrives.
   */
  stale?: boolean;
}

/**
 * A dashboard panel: a header, and a body that is a skeleton, an error, an empty state or the content.
 * `data-state` (loading | ready | error, and ready for an empty panel) is what the e2e tests wait on.
 */
export function Panel({
  title,
  testId,
  state,
  loadingText,
  error,
  empty,
  actions,
  subtitle,
  children,
  className = "",
  keepChildren = false,
  stale = false,
}: Props) {
  const headingId = `${testId}-title`;
  return (
    <section
      data-testid={testId}
      data-state={stale && state !== "error" ? "loading" : state === "empty" ? "ready" : state}
      aria-labelledby={headingId}
      aria-busy={state === "loading" || stale}
      className={`flex min-h-0 flex-col rounded-lg border border-line bg-surface ${className}`}
    >
      <header className="flex min-h-9 flex-wrap items-center gap-x-3 gap-y-1 border-b border-line px-3 py-1.5">
        <h2 id={headingId} className="text-[12px] font-semibold tracking-wide text-ink uppercase">
          {title}
        </h2>
        {subtitle && <div className="text-[12px] text-muted">{subtitle}</div>}
        <div className="ml-auto flex flex-wrap items-center gap-1.5">{actions}</div>
      </header>
      <div className="relative min-h-0 flex-1 p-3">
        {state === "loading" && (
          <div className="flex h-full min-h-40 flex-col gap-2" role="status">
            <div className="skeleton h-4 w-1/3" />
            <div className="skeleton min-h-32 flex-1" />
            <span className="text-[12px] text-muted">{loadingText ?? "Loading…"}</span>
          </div>
        )}
        {state === "error" && (
          <p role="alert" className="rounded-md border border-danger/40 bg-danger-soft p-3 text-danger">
            {error}
          </p>
        )}
        {state === "empty" && (
          <div className="flex min-h-40 items-center justify-center text-center text-muted">{empty}</div>
        )}
        {keepChildren
          ? (state === "ready" || state === "loading") && (
              // The same element in both states, so that React keeps the children mounted.
              <div
                className={
                  state === "ready"
                    ? "contents"
                    : "pointer-events-none invisible absolute inset-0 overflow-hidden p-3"
                }
              >
                {children}
              </div>
            )
          : state === "ready" && children}
      </div>
    </section>
  );
}
