import { describe, expect, it } from "vitest";
import { DEFAULT_VIEW } from "@/lib/url/view-state";
import { relinkView } from "./relink";

describe("relinkView", () => {
  it("renames runs named by their bundle to the stored bundle's id, and leaves plain ids alone", () => {
    const stored = new Map([
      ["demo/kvm-matrix", "AAAAAAAAAAAAAAAAAAAAAA"],
      ["demo/kvm-matrix-2", "BBBBBBBBBBBBBBBBBBBBBB"],
    ]);
    const view = relinkView(
      {
        ...DEFAULT_VIEW,
        focus: "demo/kvm-matrix-2/tick",
        runs: ["demo/kvm-matrix/tick", "switch-2"],
        labels: { "demo/kvm-matrix/tick": "idle guest", "switch-2": "two threads" },
      },
      stored,
    );
    expect(view.focus).toBe("BBBBBBBBBBBBBBBBBBBBBB/tick");
    expect(view.runs).toEqual(["AAAAAAAAAAAAAAAAAAAAAA/tick", "switch-2"]);
    expect(view.labels).toEqual({ "AAAAAAAAAAAAAAAAAAAAAA/tick": "idle guest", "switch-2": "two threads" });
  });
});
