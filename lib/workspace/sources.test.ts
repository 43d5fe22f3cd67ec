import { describe, expect, it } from "vitest";
import { planOpen, type ByteSource } from "./sources";

const source = (name: string): ByteSource => ({ name, size: 1, read: `/files/${name}` });

describe("planOpen", () => {
  it("opens each zip as a bundle and each arrow file as a run", () => {
    const jobs = planOpen([source("study.zip"), source("a.arrow"), source("b.arrows")]);
    expect(jobs.map((job) => [job.kind, job.name])).toEqual([
      ["zip", "study.zip"],
      ["run", "a.arrow"],
      ["run", "b.arrows"],
    ]);
  });

  it("treats a picked folder with a manifest as one bundle", () => {
    const jobs = planOpen([
      source("demo/manifest.json"),
      source("demo/runs/tick.arrow"),
      source("demo/runs/switch.arrow"),
    ]);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ kind: "folder", name: "demo" });
    expect(jobs[0].kind === "folder" && jobs[0].files.map((f) => f.name)).toEqual([
      "demo/manifest.json",
      "demo/runs/tick.arrow",
      "demo/runs/switch.arrow",
    ]);
  });

  it("opens each bundle of a parent folder, files going to the nearest manifest above them", () => {
    const jobs = planOpen([
      source("demo/kvm-matrix/manifest.json"),
      source("demo/kvm-matrix/runs/tick.arrow"),
      source("demo/load/manifest.json"),
      source("demo/load/runs/tick.arrow"),
      source("demo/notes.arrow"),
    ]);
    expect(jobs.map((job) => [job.kind, job.name])).toEqual([
      ["folder", "demo/kvm-matrix"],
      ["folder", "demo/load"],
      ["run", "demo/notes.arrow"],
    ]);
    expect(jobs[0].kind === "folder" && jobs[0].files.map((f) => f.name)).toEqual([
      "demo/kvm-matrix/manifest.json",
      "demo/kvm-matrix/runs/tick.arrow",
    ]);
  });

  it("opens the arrow files of a folder without a manifest one by one", () => {
    const jobs = planOpen([source("runs/a.arrow"), source("runs/notes.txt")]);
    expect(jobs.map((job) => job.kind)).toEqual(["run", "rejected"]);
  });

  it("rejects other files and says what was expected", () => {
    const [job] = planOpen([source("trace.csv")]);
    expect(job).toMatchObject({ kind: "rejected", name: "trace.csv", found: "a .csv file" });
    expect(job.kind === "rejected" && job.expected).toMatch(/\.zip.*\.arrow/);
  });
});
