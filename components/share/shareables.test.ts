import { describe, expect, it } from "vitest";
import { shareablesOf } from "./shareables";
import { storedBundleId } from "./upload-bundle";

const blob = (text: string) => new Blob([text]);
const ID = "GVsitriVWynbX77qDc6pIQ";

describe("what Share uploads", () => {
  it("groups the opened sources as the workspace opened them: zips, bundle folders, loose runs", () => {
    const items = shareablesOf([
      { name: "study.zip", read: blob("zip") },
      { name: "folder/manifest.json", read: blob("{}") },
      { name: "folder/runs/a.arrow", read: blob("a") },
      { name: "loose.arrow", read: blob("run") },
    ]);
    expect(items.map((item) => [item.kind, item.name, item.files.map((f) => f.name)])).toEqual([
      ["folder", "folder", ["folder/manifest.json", "folder/runs/a.arrow"]],
      ["zip", "study.zip", ["study.zip"]],
      ["run", "loose.arrow", ["loose.arrow"]],
    ]);
  });

  it("reuses the id of a bundle opened from this server's link instead of uploading it again", () => {
    const origin = "http://127.0.0.1:3000";
    const fromLink = {
      name: ID,
      kind: "folder" as const,
      files: [
        { name: `${ID}/manifest.json`, read: `/api/bundles/${ID}/derived/manifest.json` },
        { name: `${ID}/runs/a.arrow`, read: `/api/bundles/${ID}/files/runs/a.arrow` },
      ],
    };
    expect(storedBundleId(fromLink, origin)).toBe(ID);
    const elsewhere = {
      ...fromLink,
      files: [{ name: "x", read: `http://other.example/api/bundles/${ID}/files/x` }],
    };
    expect(storedBundleId(elsewhere, origin)).toBeNull();
    const local = { ...fromLink, files: [{ name: "x", read: blob("x") }] };
    expect(storedBundleId(local, origin)).toBeNull();
  });
});
