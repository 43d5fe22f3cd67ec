import { describe, expect, it } from "vitest";
import { hostNoteDetails, hostNotes, noteExplainsPeriod } from "./host-notes";

describe("hostNotes", () => {
  it("warns that RT throttling makes a stall of (period - runtime) once a period, and says how to lift it", () => {
    const [note, ...rest] = hostNotes({ sched_rt_runtime_us: 950000, sched_rt_period_us: 1000000 });
    expect(rest).toEqual([]);
    expect(note).toContain("50 ms every 1 s");
    expect(note).toContain("sysctl -w kernel.sched_rt_runtime_us=-1");
  });

  it.each([
    ["throttling off (-1)", { sched_rt_runtime_us: -1, sched_rt_period_us: 1000000 }],
    ["runtime equal to the period", { sched_rt_runtime_us: 1000000, sched_rt_period_us: 1000000 }],
    ["not recorded", {}],
    ["recorded as text by another tool", { sched_rt_runtime_us: "950000", sched_rt_period_us: "1000000" }],
  ])("says nothing when %s", (_name, host) => {
    expect(hostNotes(host)).toEqual([]);
    expect(hostNotes(null)).toEqual([]);
  });
});

describe("hostNoteDetails", () => {
  it("gives RT throttling's period and stall, a short form for tables, and the period it explains", () => {
    const [note] = hostNoteDetails({ sched_rt_runtime_us: 950000, sched_rt_period_us: 1000000 });
    expect(note).toMatchObject({ topic: "rt-throttling", periodNs: 1e9, stallNs: 50e6 });
    expect(note.short).toBe("RT throttling on: 50 ms stall every 1 s");
    expect(note.text).toBe(hostNotes({ sched_rt_runtime_us: 950000, sched_rt_period_us: 1000000 })[0]);
    expect(noteExplainsPeriod(note, 1.004e9)).toBe(true);
    expect(noteExplainsPeriod(note, 0.5e9)).toBe(false);
    expect(noteExplainsPeriod(note, 1.03e9)).toBe(false);
  });
});
