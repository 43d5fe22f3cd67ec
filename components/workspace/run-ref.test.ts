import { describe, expect, it } from "vitest";
import type { RunEntry } from "@/lib/workspace/types";
import { matchesRef, runRef } from "./run-ref";

const run = (key: string, id: string) => ({ key, id }) as RunEntry;

describe("runRef", () => {
  it("names a run by its id unless another open run shares it", () => {
    const a = run("matrix@1/tick", "tick");
    const b = run("load@2/tick", "tick");
    const c = run("matrix@1/switch-2", "switch-2");
    expect(runRef(c, [a, b, c])).toBe("switch-2");
    expect(runRef(b, [a, b, c])).toBe("load@2/tick");
    expect(matchesRef(b, "load@2/tick")).toBe(true);
    expect(matchesRef(a, "load@2/tick")).toBe(false);
  });
});
