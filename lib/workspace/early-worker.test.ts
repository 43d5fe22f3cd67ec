import { afterEach, describe, expect, it, vi } from "vitest";
import { EarlyWorker } from "./early-worker";

describe("EarlyWorker", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("starts one worker, gives it to the first ask, and new workers after", () => {
    vi.stubGlobal("Worker", function Worker() {});
    let made = 0;
    const early = new EarlyWorker(() => ({ n: ++made }) as unknown as Worker);
    early.start();
    early.start();
    expect(made).toBe(1);
    expect(early.factoryOrEarly()).toEqual({ n: 1 });
    expect(early.factoryOrEarly()).toEqual({ n: 2 });
    expect(made).toBe(2);
  });

  it("starts nothing where there are no workers (the server's render), and makes one when asked", () => {
    vi.stubGlobal("Worker", undefined);
    let made = 0;
    const early = new EarlyWorker(() => ({ n: ++made }) as unknown as Worker);
    early.start();
    expect(made).toBe(0);
    expect(early.factoryOrEarly()).toEqual({ n: 1 });
  });
});
