import { afterEach, describe, expect, it, vi } from "vitest";
import { ENGINE_STATE } from "./duckdb-worker";
import { connectSharedEngine, ENGINE_ID_KEY, tabEngineId } from "./tab-engine";

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

/** A stand-in SharedWorker: `reads` says whether its constructor knows `extendedLifetime`. */
function fakeSharedWorker(reads: boolean) {
  const made: {
    options: { name?: string; extendedLifetime?: boolean };
    engine: MessagePort;
    worker: EventTarget;
  }[] = [];
  class FakeSharedWorker extends EventTarget {
    port: MessagePort;
    constructor(_url: string, options: { name: string; extendedLifetime?: boolean }) {
      super();
      const { port1, port2 } = new MessageChannel();
      this.port = port1;
      made.push({
        options: { name: options.name, ...(reads ? { extendedLifetime: options.extendedLifetime } : {}) },
        engine: port2,
        worker: this,
      });
    }
  }
  vi.stubGlobal("SharedWorker", FakeSharedWorker);
  return made;
}

describe("connecting to the tab's engine", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("is not tried where there is no SharedWorker", () => {
    vi.stubGlobal("SharedWorker", undefined);
    expect(connectSharedEngine("/engine.js", "e")).toBeNull();
  });

  it("is given up where the browser does not know extendedLifetime (its engine would die with the page)", () => {
    const made = fakeSharedWorker(false);
    expect(connectSharedEngine("/engine.js", "e")).toBeNull();
    expect(made).toHaveLength(1);
  });

  it("asks for a named engine with an extended lifetime and reports the state the engine gives", async () => {
    const made = fakeSharedWorker(true);
    const shared = connectSharedEngine("/engine.js", "tab-1")!;
    expect(made[0].options).toEqual({ name: "tab-1", extendedLifetime: true });
    made[0].engine.postMessage({ type: ENGINE_STATE, state: "instantiated" });
    expect(await shared.state).toBe("instantiated");
    shared.worker.terminate();
    made[0].engine.close();
  });

  it("fails when the engine's script cannot be loaded, before the engine has spoken", async () => {
    const made = fakeSharedWorker(true);
    const shared = connectSharedEngine("/engine.js", "tab-1")!;
    made[0].worker.dispatchEvent(Object.assign(new Event("error"), { message: "404" }));
    await expect(shared.state).rejects.toThrow("404");
    shared.worker.terminate();
    made[0].engine.close();
  });
});
