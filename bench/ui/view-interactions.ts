// The two interactions #10's view figures time (bench/ui/duckdb-figures.ts) and bench/ui/profile-views.ts
// traces: a change of a Comparison <select>, and a workbench Run, each to the paint that shows it.
import type { Page } from "@playwright/test";

/**
 * When the page has painted what changed (in the page, as `performance.now()` values): the frame after the
 * change runs its rAF callbacks, then style, layout and paint, in one task; a message posted from its rAF
 * callback runs right after that task, i.e. once the change has been painted. `beforePaint` (that rAF:
 * what workbenchRun took before) and `nextFrame` (a second rAF, a frame later: what comparisonChange took
 * before) are kept to show the difference.
 */
const PAINTED = `window.__frames = () => {
  let frames = 0;
  let counting = true;
  const tick = () => { frames++; if (counting) requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
  return () => { counting = false; return frames; };
};
window.__painted = () => new Promise((resolve) => requestAnimationFrame(() => {
  const beforePaint = performance.now();
  const channel = new MessageChannel();
  const painted = new Promise((done) => { channel.port1.onmessage = () => done(performance.now()); });
  channel.port2.postMessage(0);
  const nextFrame = new Promise((done) => requestAnimationFrame(() => done(performance.now())));
  Promise.all([painted, nextFrame]).then(([painted, nextFrame]) => resolve({ beforePaint, painted, nextFrame }));
}));`;

/** Gives the page the paint timing the two interactions use; once per page, after it has loaded. */
export const installPaintTiming = (page: Page) => page.evaluate(PAINTED);

export interface Timed {
  /** Input to the frame that shows the change painted (the figure). */
  painted: number;
  /** Input to that frame's rAF, before its paint. */
  beforePaint: number;
  /** Input to the rAF of the frame after it. */
  nextFrame: number;
  /** Frames begun from the input to the one that painted the change, that one included (1: the first). */
  frames: number;
}

type PaintedAt = { beforePaint: number; painted: number; nextFrame: number };
type Paints = { __painted(): Promise<PaintedAt>; __frames(): () => number };

/** The Comparison panel's choices: its statistics and its reference rows (option values, in order). */
export async function comparisonChoices(page: Page): Promise<{ statistics: string[]; references: string[] }> {
  const values = (label: string) =>
    page
      .locator(`[data-testid="panel-comparison"] label:has-text("${label}") option`)
      .evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
  return { statistics: await values("Statistic"), references: await values("Ratios to") };
}

/**
 * A change of a <select> in the Comparison until its table has changed and been painted. With `mark`,
 * the page's timeline gets `profile:start:<mark>`, `profile:changed:<mark>` and `profile:painted:<mark>`.
 */
export async function comparisonChange(
  page: Page,
  label: string,
  value: string,
  mark?: number,
): Promise<Timed> {
  return page.evaluate(
    async ({ label, value, mark }) => {
      const panel = document.querySelector('[data-testid="panel-comparison"]')!;
      const select = [...panel.querySelectorAll("label")]
        .find((l) => l.textContent?.includes(label))
        ?.querySelector("select");
      if (!select) throw new Error(`no select labelled ${label}`);
      const table = panel.querySelector('[data-testid="comparison-table"]')!;
      const changed = new Promise<void>((resolve) => {
        const observer = new MutationObserver(() => {
          observer.disconnect();
          resolve();
        });
        observer.observe(table, { subtree: true, childList: true, characterData: true });
      });
      if (mark !== undefined) performance.mark(`profile:start:${mark}`);
      const page = window as unknown as Paints;
      const frames = page.__frames();
      const start = performance.now();
      const setter = Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, "value")!.set!;
      setter.call(select, value);
      select.dispatchEvent(new Event("change", { bubbles: true }));
      await changed;
      if (mark !== undefined) performance.mark(`profile:changed:${mark}`);
      const at = await page.__painted();
      const counted = frames();
      if (mark !== undefined) performance.mark(`profile:painted:${mark}`, { startTime: at.painted });
      return {
        painted: at.painted - start,
        beforePaint: at.beforePaint - start,
        nextFrame: at.nextFrame - start,
        // The frame after the painted one has begun too (nextFrame): not counted.
        frames: counted - 1,
      };
    },
    { label, value, mark },
  );
}

/**
 * Run until the workbench shows the answer, painted; and the query's own ms (send to last batch), as it
 * says. `mark` as for comparisonChange.
 */
export async function workbenchRun(page: Page, mark?: number): Promise<Timed & { own: number }> {
  return page.evaluate(async (mark) => {
    const status = document.querySelector<HTMLElement>('[data-testid="sql-status"]')!;
    const run = document.querySelector<HTMLButtonElement>('[data-testid="sql-run"]')!;
    // The last run left an answer like this one on screen: wait for the status to count a new answer
    // (`data-answer`; before it had one, each run went through "running" and this waits for its end).
    const before = status.dataset.answer;
    const finished = new Promise<void>((resolve) => {
      const observer = new MutationObserver((records) => {
        const answered =
          before === undefined
            ? records.some((r) => r.attributeName === "data-state" && r.oldValue === "running")
            : status.dataset.answer !== before;
        if (!answered) return;
        observer.disconnect();
        resolve();
      });
      observer.observe(status, {
        attributes: true,
        attributeFilter: ["data-answer", "data-state"],
        attributeOldValue: true,
      });
    });
    if (mark !== undefined) performance.mark(`profile:start:${mark}`);
    const page = window as unknown as Paints;
    const frames = page.__frames();
    const start = performance.now();
    run.click();
    await finished;
    if (mark !== undefined) performance.mark(`profile:changed:${mark}`);
    const own = Number(/in (\d+) ms/.exec(status.textContent ?? "")?.[1]);
    const at = await page.__painted();
    const counted = frames();
    if (mark !== undefined) performance.mark(`profile:painted:${mark}`, { startTime: at.painted });
    return {
      painted: at.painted - start,
      beforePaint: at.beforePaint - start,
      nextFrame: at.nextFrame - start,
      frames: counted - 1,
      own,
    };
  }, mark);
}
