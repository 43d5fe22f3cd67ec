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

describe("which stall the note names, by kernel", () => {
  const rt = { sched_rt_runtime_us: 950000, sched_rt_period_us: 1000000 };
  const topic = (host: Record<string, unknown>) => hostNoteDetails(host).map((note) => note.topic);

  it("is RT throttling before Linux 6.12, and on 6.12+ with RT group scheduling in force", () => {
    expect(topic({ ...rt, kernel: "5.15.0-91-generic" })).toEqual(["rt-throttling"]);
    expect(topic({ ...rt, kernel: "6.18.44-fc-v669", rt_group_sched: true })).toEqual(["rt-throttling"]);
  });

  it("is the fair server on 6.12+ without RT group scheduling, and says the sysctl does not lift it", () => {
    const [note, ...rest] = hostNoteDetails({ ...rt, kernel: "6.12.1", rt_group_sched: false });
    expect(rest).toEqual([]);
    expect(note).toMatchObject({ topic: "fair-server", periodNs: 1e9, stallNs: 50e6 });
    expect(note.short).toBe("fair server: up to 50 ms stall every 1 s");
    expect(note.text).toContain("kernel.sched_rt_runtime_us does not lift it");
    expect(note.text).not.toContain("sysctl -w");
  });

  it("is the fair server on 6.12+ with RT throttling off, and nothing before 6.12", () => {
    const off = { sched_rt_runtime_us: -1, sched_rt_period_us: 1000000 };
    expect(topic({ ...off, kernel: "6.18.44", rt_group_sched: true })).toEqual(["fair-server"]);
    expect(hostNotes({ ...off, kernel: "6.18.44" })[0]).toMatch(/^RT throttling is off .* fair server/);
    expect(topic({ ...off, kernel: "6.6.30" })).toEqual([]);
  });

  it("names both when a 6.12+ fingerprint does not say whether RT group scheduling is in force", () => {
    const [note] = hostNoteDetails({ ...rt, kernel: "6.18.44-fc-v657" });
    expect(note).toMatchObject({ topic: "rt-throttling-or-fair-server", periodNs: 1e9, stallNs: 50e6 });
    expect(note.short).toBe("RT throttling or fair server: 50 ms stall every 1 s");
    expect(note.text).toContain("does not say which");
    const [unequal] = hostNoteDetails({ sched_rt_runtime_us: 900000, sched_rt_period_us: 1000000, kernel: "6.13" });
    expect(unequal.short).toBe("RT throttling (100 ms every 1 s) or fair server (up to 50 ms every 1 s)");
    expect(unequal.stallNs).toBe(100e6);
  });
});
