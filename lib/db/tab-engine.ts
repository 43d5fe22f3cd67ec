/**
 * One DuckDB engine per browser tab, kept across that tab's navigations and reloads: a SharedWorker with
 * `extendedLifetime` (Chromium ≥ 148) lives on for a while after its last page has gone, and a page of the
 * same origin that asks for it by name connects to it again. The name is the tab's own: an id kept in
 * sessionStorage (which a reload and a navigation keep, and other tabs do not see), held with a Web Lock
 * while the page lives, so that a duplicated tab (which copies sessionStorage) takes a new id rather than
 * share a live tab's engine.
 */
import { ENGINE_STATE } from "./duckdb-worker";
import { PortWorker } from "./port-worker";

export const ENGINE_ID_KEY = "tickscope:duckdb-engine";

export type EngineState = "fresh" | "instantiating" | "instantiated";

interface IdStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

interface Locks {
  request(
    name: string,
    options: { ifAvailable: true },
    callback: (lock: unknown) => Promise<unknown> | unknown,
  ): Promise<unknown>;
}

/** Asks for the lock without waiting; once granted it is held until the page goes. */
function holdIfFree(locks: Locks, name: string): Promise<boolean> {
  return new Promise((resolve) => {
    void locks
      .request(name, { ifAvailable: true }, (lock) => {
        resolve(lock !== null);
        return lock === null ? undefined : new Promise<never>(() => {});
      })
      .catch(() => resolve(false));
  });
}

/**
 * This tab's engine id: the one in `storage` if no live page holds its lock, else (a duplicated tab, or
 * none yet) a new one, stored. The lock on the id returned is held while the page lives.
 */
export async function tabEngineId(storage: IdStorage, locks: Locks, newId: () => string): Promise<string> {
  const kept = storage.getItem(ENGINE_ID_KEY);
  if (kept && (await holdIfFree(locks, `${ENGINE_ID_KEY}:${kept}`))) return kept;
  for (;;) {
    const id = newId();
    if (await holdIfFree(locks, `${ENGINE_ID_KEY}:${id}`)) {
      storage.setItem(ENGINE_ID_KEY, id);
      return id;
    }
  }
}

/**
 * Whether this page will most likely find its tab's engine kept (an id from an earlier page, and the
 * browser to keep it): then starting DuckDB costs a reset and a few round trips, not a compile, and need
 * not wait for the page to settle.
 */
export function tabEngineLikelyKept(): boolean {
  try {
    return typeof SharedWorker === "function" && !!navigator.locks && !!sessionStorage.getItem(ENGINE_ID_KEY);
  } catch {
    return false;
  }
}

export interface SharedEngine {
  worker: PortWorker;
  /** The engine's state when this page connected; rejects if its script could not be loaded. */
  state: Promise<EngineState>;
}

/**
 * Connects to this tab's engine (started if it is not running), or null where SharedWorker or its
 * `extendedLifetime` is missing: an engine that dies with its page is no better than a dedicated worker.
 * The option is detected by whether the constructor reads it.
 */
export function connectSharedEngine(scriptUrl: string, name: string): SharedEngine | null {
  if (typeof SharedWorker !== "function") return null;
  let understood = false;
  const options = {
    name,
    get extendedLifetime() {
      understood = true;
      return true;
    },
  };
  const shared = new SharedWorker(scriptUrl, options as WorkerOptions);
  if (!understood) {
    shared.port.close();
    return null;
  }
  const worker = new PortWorker(shared.port, shared);
  const state = new Promise<EngineState>((resolve, reject) => {
    const onState = (event: Event) => {
      const data = (event as MessageEvent).data as { type: string; state: EngineState };
      if (data.type !== ENGINE_STATE) return;
      stop();
      resolve(data.state);
    };
    // Before the engine has spoken, an error is its script failing to load (a missing file, say).
    const onError = (event: Event) => {
      stop();
      reject(new Error((event as ErrorEvent).message));
    };
    const stop = () => {
      worker.control.removeEventListener("message", onState);
      worker.removeEventListener("error", onError);
    };
    worker.control.addEventListener("message", onState);
    worker.addEventListener("error", onError);
  });
  return { worker, state };
}
