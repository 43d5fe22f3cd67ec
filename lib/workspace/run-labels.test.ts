import { describe, expect, it } from "vitest";
import type { RunFields } from "../format/manifest";
import { uniqueLabels } from "./run-labels";

const run = (id: string, source: string, fields: RunFields, test = "tick", file = `runs/${id}.arrow`) => ({
  id,
  source,
  file,
  test,
  fields,
});

describe("uniqueLabels", () => {
  it("sets apart the demo's two 'clock tick' runs by their scenario, and leaves unique labels alone", () => {
    const labels = uniqueLabels([
      run("tick", "demo/kvm-matrix", { label: "clock tick", scenario: "one-to-all" }),
      run("switch-2", "demo/kvm-matrix", { label: "thread switch, 2 threads", scenario: "one-to-all" }),
      run("tick", "demo/kvm-tick-memory-load", { label: "clock tick", scenario: "memory-load" }),
    ]);
    expect(labels).toEqual([
      "clock tick · one-to-all",
      "thread switch, 2 threads",
      "clock tick · memory-load",
    ]);
  });

  it("uses the bundle when the scenario is the same or already in the name, then the file, then a number", () => {
    expect(
      uniqueLabels([
        run("tick", "guest-a", { environment: "kvm", scenario: "idle" }),
        run("tick", "uploads/guest-b", { environment: "kvm", scenario: "idle" }),
      ]),
    ).toEqual(["kvm · idle · tick · guest-a", "kvm · idle · tick · guest-b"]);
    expect(
      uniqueLabels([
        run("a", "bundle", { label: "x" }, "tick", "runs/a.arrow"),
        run("b", "bundle", { label: "x" }, "tick", "runs/b.arrow"),
      ]),
    ).toEqual(["x · runs/a.arrow", "x · runs/b.arrow"]);
    expect(
      uniqueLabels([
        run("a", "bundle", { label: "x" }, "tick", "same.arrow"),
        run("a", "bundle", { label: "x" }, "tick", "same.arrow"),
      ]),
    ).toEqual(["x #1", "x #2"]);
  });

  it("never gives a name another run already has", () => {
    const labels = uniqueLabels([
      run("a", "one", { label: "tick", scenario: "idle" }),
      run("b", "two", { label: "tick", scenario: "load" }),
      run("c", "three", { label: "tick · idle" }),
    ]);
    expect(new Set(labels).size).toBe(3);
    expect(labels[2]).toBe("tick · idle");
  });
});
