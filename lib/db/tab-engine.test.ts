import { describe, expect, it } from "vitest";
import { ENGINE_ID_KEY, tabEngineId } from "./tab-engine";

/** sessionStorage of one tab. */
function storage(initial?: string) {
  const values = new Map<string, string>(initial ? [[ENGINE_ID_KEY, initial]] : []);
  return {
    getItem: (key: string) => values.get(key) ?? null,
    setItem: (key: string, value: string) => void values.set(key, value),
  };
}

/** navigator.locks of one browser: `release(name)` is a page going away. */
function locks() {
  const held = new Map<string, () => void>();
  return {
    held,
    async request(name: string, _options: { ifAvailable: true }, callback: (lock: unknown) => unknown) {
      if (held.has(name)) return callback(null);
      let release = () => {};
      const gone = new Promise<void>((resolve) => (release = resolve));
      held.set(name, () => {
        held.delete(name);
        release();
      });
      void callback({ name });
      return gone;
    },
  };
}

const ids = () => {
  let n = 0;
  return () => `id${++n}`;
};

describe("a tab's engine id", () => {
  it("is new and stored for a tab that has none, and held while the page lives", async () => {
    const tab = storage();
    const browser = locks();
    expect(await tabEngineId(tab, browser, ids())).toBe("id1");
    expect(tab.getItem(ENGINE_ID_KEY)).toBe("id1");
    expect([...browser.held.keys()]).toEqual([`${ENGINE_ID_KEY}:id1`]);
  });

  it("is kept by the tab's next page once the last one has gone (a navigation or a reload)", async () => {
    const tab = storage();
    const browser = locks();
    const first = await tabEngineId(tab, browser, ids());
    browser.held.get(`${ENGINE_ID_KEY}:${first}`)!();
    expect(await tabEngineId(tab, browser, () => "unused")).toBe(first);
  });

  it("is new for a duplicated tab whose copied id a live page still holds, and the original keeps its own", async () => {
    const browser = locks();
    const original = storage();
    const first = await tabEngineId(original, browser, ids());
    const duplicate = storage(first);
    const second = await tabEngineId(duplicate, browser, () => "dup");
    expect(second).toBe("dup");
    expect(duplicate.getItem(ENGINE_ID_KEY)).toBe("dup");
    expect(original.getItem(ENGINE_ID_KEY)).toBe(first);
  });

  it("skips a new id that is somehow held already", async () => {
    const browser = locks();
    await tabEngineId(storage(), browser, () => "taken");
    const next = ["taken", "free"];
    expect(await tabEngineId(storage(), browser, () => next.shift()!)).toBe("free");
  });
});
