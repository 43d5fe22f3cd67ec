import { describe, expect, it } from "vitest";
import { CLOSED_DIALOG, shareDialogReducer, type ShareDialogAction } from "./share-dialog-state";
import type { Shareable } from "./upload-bundle";

const items = [{ name: "a" }, { name: "b" }] as unknown as Shareable[];
const run = (...actions: ShareDialogAction[]) => actions.reduce(shareDialogReducer, CLOSED_DIALOG);

describe("the Share dialog's state", () => {
  it("asks before it uploads, then shows the link once every bundle is stored", () => {
    const asked = run({ type: "open", items });
    expect([asked.phase, asked.states]).toEqual(["confirm", []]);
    const done = run(
      { type: "open", items },
      { type: "begin" },
      { type: "progress", index: 0, sent: 5, total: 10 },
      { type: "stored", index: 0, id: "x" },
      { type: "stored", index: 1, id: "y" },
      { type: "settled", link: "http://h/?b=x,y" },
    );
    expect(done.phase).toBe("ready");
    expect(done.link).toBe("http://h/?b=x,y");
    expect(done.states.map((s) => s.state)).toEqual(["done", "done"]);
  });

  it("asks for a token when the server refuses one, keeps stored bundles on a retry, and keeps the token", () => {
    const refused = run(
      { type: "open", items },
      { type: "begin" },
      { type: "stored", index: 0, id: "x" },
      { type: "failed", index: 1, message: "token needed", status: 401 },
      { type: "settled", link: null },
    );
    expect(refused.phase).toBe("token");
    const retry = [{ type: "token", token: "s3cret" }, { type: "begin" }] as ShareDialogAction[];
    const retried = retry.reduce(shareDialogReducer, refused);
    expect(retried.states.map((s) => s.state)).toEqual(["done", "waiting"]);
    expect(shareDialogReducer(retried, { type: "open", items }).token).toBe("s3cret");
  });

  it("offers a retry when an upload failed for another reason, and never a link", () => {
    const failed = run(
      { type: "open", items },
      { type: "begin" },
      { type: "failed", index: 0, message: "507 the server's storage is full", status: 507 },
      { type: "stored", index: 1, id: "y" },
      { type: "settled", link: null },
    );
    expect([failed.phase, failed.link]).toEqual(["error", null]);
  });
});
