import { describe, expect, it } from "vitest";
import { FormatError } from "../format/errors";
import { decodeAttribution, encodeAttribution } from "./attribution-codec";
import type { RunAttribution } from "./run-attribution";

const tally = (ns: number) => ({
  samples: 2,
  lostNs: ns,
  causes: [{ kind: "throttle" as const, name: "rt_throttling", ns }],
  cause: "throttle" as const,
});

const attribution: RunAttribution = {
  total: tally(100),
  byKind: { tick: 0, irq: 0, softirq: 0, ipi: 0, nmi: 0, thread: 0, throttle: 100, unexplained: 0 },
  explainedShare: 1,
  tick: null,
  families: [tally(100)],
  worst: [{ ts: 5, durationNs: 168, causes: [{ kind: "throttle", name: "rt_throttling", ns: 100 }] }],
  stealNs: null,
};

describe("a saved attribution", () => {
  it("decodes to what was encoded, a share of nothing lost (NaN) included", () => {
    expect(decodeAttribution(encodeAttribution(attribution), "a.json")).toEqual(attribution);
    const nothing = { ...attribution, explainedShare: NaN };
    expect(decodeAttribution(encodeAttribution(nothing), "a.json").explainedShare).toBeNaN();
  });

  it("refuses another version or a bad kind, naming the file and the field", () => {
    const text = encodeAttribution(attribution);
    expect(() => decodeAttribution(text.replace('"version":1', '"version":2'), "a.json")).toThrow(
      /a\.json, column or key "version"/,
    );
    const badKind = text.replace('"kind":"throttle"', '"kind":"hypervisor"');
    expect(() => decodeAttribution(badKind, "a.json")).toThrow(FormatError);
    expect(() => decodeAttribution(badKind, "a.json")).toThrow(/"total\.causes\.0\.kind"/);
    expect(() => decodeAttribution("{", "a.json")).toThrow(/a\.json: expected a saved attribution \(JSON\)/);
  });
});
