import { describe, expect, it } from "vitest";
import type { RunEntry } from "@/lib/workspace/types";
import { matchesRef, runRef } from "./run-ref";

const run = (key: string, id: string, source = key.split("@")[0]) => ({ key, id, source }) as RunEntry;

describe("runRef", () => {
  it("names a run by its id unless another open run shares it, then by its bundle and id", () => {
    const a = run("matrix@1/tick", "tick");
    const b = run("load@2/tick", "tick");
    const c = run("matrix@1/switch-2", "switch-2");
    expect(runRef(c, [a, b, c])).toBe("switch-2");
    expect(runRef(b, [a, b, c])).toBe("load/tick");
    expect(matchesRef(b, "load/tick")).toBe(true);
    expect(matchesRef(b, "load@2/tick")).toBe(true);
    expect(matchesRef(a, "load/tick")).toBe(false);
  });

  it("keeps the bundle-and-id name across reloads (the open order numbers keys differently)", () => {
    const first = [run("matrix@1/tick", "tick"), run("load@2/tick", "tick")];
    const reloaded = [run("load@1/tick", "tick"), run("matrix@2/tick", "tick")];
    expect(runRef(first[1], first)).toBe(runRef(reloaded[0], reloaded));
  });

  it("falls back to the workspace key when one bundle is open twice", () => {
    const a = run("matrix@1/tick", "tick");
    const b = run("matrix@2/tick", "tick");
    expect(runRef(b, [a, b])).toBe("matrix@2/tick");
  });
});
