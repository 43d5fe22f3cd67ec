import { describe, expect, it } from "vitest";
import { throttleName, type SchedulerFacts } from "./throttle-name";

const facts = (kernelRelease: string | null, rtRuntimeUs: number | null, rtGroupSched: boolean | null) =>
  ({ kernelRelease, rtRuntimeUs, rtGroupSched }) satisfies SchedulerFacts;

describe("throttleName", () => {
  it("names RT throttling before Linux 6.12, where it is the only mechanism", () => {
    expect(throttleName(facts("5.15.0-91-generic", 950000, false))).toBe("rt_throttling");
    expect(throttleName(facts("6.11.9", 950000, null))).toBe("rt_throttling");
    expect(throttleName(facts("6.11.9", -1, true))).toBe("preempted_while_runnable");
  });

  it("names the fair server from 6.12 when RT throttling is off or not built (no RT_GROUP_SCHED)", () => {
    expect(throttleName(facts("6.18.44-fc-v669", -1, true))).toBe("fair_server");
    expect(throttleName(facts("6.12.0", -1, null))).toBe("fair_server");
    expect(throttleName(facts("6.12.0", 950000, false))).toBe("fair_server");
    expect(throttleName(facts("7.1.0", 950000, false))).toBe("fair_server");
  });

  it("keeps RT throttling from 6.12 with RT_GROUP_SCHED and a runtime set, and says when it cannot tell", () => {
    expect(throttleName(facts("6.18.44-fc-v669", 950000, true))).toBe("rt_throttling");
    expect(throttleName(facts("6.18.44-fc-v669", 950000, null))).toBe("rt_throttling_or_fair_server");
    expect(throttleName(facts(null, null, null))).toBe("rt_throttling");
  });
});
