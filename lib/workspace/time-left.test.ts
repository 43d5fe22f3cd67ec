import { describe, expect, it } from "vitest";
import { formatTimeLeft, TimeLeft } from "./time-left";

describe("TimeLeft", () => {
  it("has no estimate until a second of the read has been seen", () => {
    const left = new TimeLeft();
    expect(left.estimate(1000)).toBeNull();
    left.add(0, 0);
    left.add(500, 50);
    expect(left.estimate(1000)).toBeNull();
  });

  it("gives the bytes left at a steady rate", () => {
    const left = new TimeLeft();
    // 100 bytes per 100 ms: 1 byte/ms; 2,000 of 10,000 read after 2 s.
    for (let at = 0; at <= 2000; at += 100) left.add(at, at);
    expect(left.estimate(10_000)).toBe(8_000);
  });

  it("follows the rate of the last five seconds when the read slows down", () => {
    const left = new TimeLeft();
    // 10 s at 10 bytes/ms, then 10 s at 1 byte/ms.
    for (let at = 0; at <= 10_000; at += 100) left.add(at, at * 10);
    for (let at = 10_100; at <= 20_000; at += 100) left.add(at, 100_000 + (at - 10_000));
    const read = 110_000;
    expect(left.estimate(200_000)).toBeCloseTo((200_000 - read) / 1, 0);
  });

  it("says nothing when nothing moves, and never less than zero", () => {
    const stuck = new TimeLeft();
    stuck.add(0, 500);
    stuck.add(3000, 500);
    expect(stuck.estimate(1000)).toBeNull();
    const done = new TimeLeft();
    done.add(0, 0);
    done.add(2000, 1000);
    expect(done.estimate(1000)).toBe(0);
  });

  it("starts again when the read starts again (open again)", () => {
    const left = new TimeLeft();
    left.add(0, 0);
    left.add(2000, 2000);
    left.add(2500, 0);
    expect(left.estimate(10_000)).toBeNull();
  });
});

describe("formatTimeLeft", () => {
  it("says the time in seconds, minutes or hours", () => {
    expect(formatTimeLeft(300)).toBe("less than 1 s left");
    expect(formatTimeLeft(42_400)).toBe("about 42 s left");
    expect(formatTimeLeft(130_000)).toBe("about 2 min 10 s left");
    expect(formatTimeLeft(2 * 3600_000 + 5 * 60_000)).toBe("about 2 h 5 min left");
  });
});
