import type { Page } from "@playwright/test";

/**
 * Milliseconds from `start` until the page's `window.__onScreen[key]` was stamped (the instrumentation
 * script each UI bench injects stamps it two animation frames after what it watches appeared).
 */
export function onScreenAfter(page: Page, key: string, start: number): Promise<number> {
  return page
    .waitForFunction(
      (k) => (window as unknown as { __onScreen: Record<string, number> }).__onScreen[k],
      key,
      {
        timeout: 600_000,
        polling: 100,
      },
    )
    .then(async (handle) => ((await handle.jsonValue()) as number) - start);
}
