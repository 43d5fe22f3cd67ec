import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { Panel, type PanelState } from "./panel";

const stateOf = (state: PanelState, stale = false) =>
  /data-state="(\w+)"/.exec(
    renderToStaticMarkup(createElement(Panel, { title: "View", testId: "panel-view", state, stale }, "body")),
  )?.[1];

describe("a panel's data-state, which the e2e tests and the benchmarks wait on", () => {
  it("reads ready only for content that answers what is asked now", () => {
    expect(stateOf("ready")).toBe("ready");
    expect(stateOf("empty")).toBe("ready");
    // A view fed by SQL showing its last answer while the new query runs: not ready.
    expect(stateOf("ready", true)).toBe("loading");
    expect(stateOf("loading")).toBe("loading");
  });

  it("reads error even while a newer answer is awaited", () => {
    expect(stateOf("error", true)).toBe("error");
  });
});
