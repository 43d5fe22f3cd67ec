import { describe, expect, it } from "vitest";
import { DEFAULT_VIEW, SQL_LINK_MAX, parseViewState, serializeViewState, type ViewState } from "./view-state";

describe("view state in the URL", () => {
  it("writes nothing but the version for the default view", () => {
    expect(serializeViewState(DEFAULT_VIEW)).toBe("v=1");
    expect(parseViewState("v=1")).toEqual(DEFAULT_VIEW);
  });

  it("round-trips a full comparison view", () => {
    const view: ViewState = {
      bundles: ["k3J9x_aa", "Zz-09"],
      runs: ["k3J9x_aa/emu-tick", "Zz-09/enl-tick"],
      focus: "k3J9x_aa/emu-tick",
      from: 1_000_000_000,
      to: 1_004_000_000,
      panel: "comparison",
      statistic: "p99.9",
      reference: "bare-machine",
      paper: true,
      values: "overhead",
      threshold: 50_000,
      logY: true,
      labels: { "k3J9x_aa/emu-tick": "emulated, idle, 1,000 µs" },
      sql: null,
      eventsTrack: false,
    };
    const query = serializeViewState(view);
    expect(parseViewState(query)).toEqual(view);
    expect(parseViewState(new URLSearchParams(query))).toEqual(view);
  });

  it("falls back field by field on tampered or outdated values", () => {
    const view = parseViewState(
      "v=0&panel=flamegraph&stat=p12&t0=-5&t1=abc&paper=yes&b=ok1,bad<id>&thr=1e400&r=a/b&as=latency",
    );
    expect(view.values).toBe("duration");
    expect(view.panel).toBe("timeline");
    expect(view.statistic).toBe("max");
    expect(view.from).toBeNull();
    expect(view.to).toBeNull();
    expect(view.paper).toBe(false);
    expect(view.bundles).toEqual([]);
    expect(view.threshold).toBeNull();
    expect(view.runs).toEqual(["a/b"]);
  });

  it("keeps the timeline's log duration axis in the link", () => {
    expect(serializeViewState({ ...DEFAULT_VIEW, logY: true })).toBe("v=1&ylog=1");
    expect(parseViewState("ylog=1").logY).toBe(true);
    expect(parseViewState("ylog=log").logY).toBe(false);
  });

  it("keeps a hidden kernel events track in the link (shown by default)", () => {
    expect(DEFAULT_VIEW.eventsTrack).toBe(true);
    expect(serializeViewState({ ...DEFAULT_VIEW, eventsTrack: false })).toBe("v=1&ev=0");
    expect(parseViewState("ev=0").eventsTrack).toBe(false);
    expect(parseViewState("ev=off").eventsTrack).toBe(true);
  });

  it("keeps the labels the user gave runs, and drops a tampered label map whole", () => {
    const labels = { "demo/kvm-matrix/tick": 'tick "guest", a,b & c', "switch-2": "switches" };
    const query = serializeViewState({ ...DEFAULT_VIEW, labels });
    expect(parseViewState(query).labels).toEqual(labels);
    expect(parseViewState("lbl=%7Bnope").labels).toEqual({});
    expect(parseViewState(`lbl=${encodeURIComponent('{"tick":5}')}`).labels).toEqual({});
    expect(parseViewState(`lbl=${encodeURIComponent('["tick"]')}`).labels).toEqual({});
  });

  it("keeps the choice of duration or overhead and the count-above statistic", () => {
    const view = parseViewState("as=overhead&stat=above&thr=40000");
    expect([view.values, view.statistic, view.threshold]).toEqual(["overhead", "above", 40_000]);
    expect(serializeViewState(view)).toBe("v=1&stat=above&as=overhead&thr=40000");
  });

  it("drops a window whose end is not after its start", () => {
    const view = parseViewState("t0=500&t1=400&panel=tick");
    expect([view.from, view.to, view.panel]).toEqual([null, null, "tick"]);
  });

  it("keeps the workbench's query, with its quotes, newlines and symbols, as text", () => {
    const sql =
      "SELECT label, max(max_overhead_ns) -- worst\nFROM runs WHERE label = 'a&b=<c>#%'\nGROUP BY 1";
    const query = serializeViewState({ ...DEFAULT_VIEW, panel: "workbench", sql });
    const view = parseViewState(query);
    expect([view.panel, view.sql]).toEqual(["workbench", sql]);
  });

  it("leaves out an empty or oversized query", () => {
    expect(parseViewState("sql=").sql).toBeNull();
    expect(parseViewState(`sql=${"x".repeat(SQL_LINK_MAX + 1)}`).sql).toBeNull();
  });
});
