import { describe, expect, it } from "vitest";
import { parseMatrix } from "../src/collect-plan";
import { durationArgument, parseDurationOption } from "../src/options";
import { progressLine } from "../src/progress-bar";

describe("durations", () => {
  const read = (text: string) => parseDurationOption(text, "--duration");
  it("reads 3s, 500ms, 10m, 1h, 250us", () => {
    expect(["3s", "500ms", "10m", "1h", "1.5s", "250us", "250µs"].map(read)).toEqual([
      3e9, 5e8, 600e9, 3600e9, 1.5e9, 250e3, 250e3,
    ]);
  });

  it("refuses a number without its unit, listing the units", () => {
    expect(() => read("100")).toThrow(
      /--duration: "100" has no unit: write it with one of ns, us \(or µs\), ms, s, m \(or min\), h/,
    );
  });

  it("rejects anything else, saying what it expected", () => {
    for (const bad of ["", "s", "1.2.3ms"])
      expect(() => read(bad)).toThrow(/--duration: expected a duration/);
    expect(() => read("3 weeks")).toThrow(/--duration: "weeks" is not a unit/);
    expect(() => read("-1s")).toThrow(/--duration: expected a duration of zero or more/);
    expect(() => read("0s")).toThrow(/--duration: expected a positive duration such as 3s/);
  });

  it("writes them back in the form the sampler reads", () => {
    expect([3600e9, 600e9, 3e9, 5e8].map(durationArgument)).toEqual(["1h", "10m", "3s", "500ms"]);
  });
});

describe("collect matrix --tests", () => {
  it("reads tick and switch:N", () => {
    expect(parseMatrix("tick,switch:2,switch:1000")).toEqual([
      { test: "tick" },
      { test: "switch", threads: 2 },
      { test: "switch", threads: 1000 },
    ]);
    expect(() => parseMatrix("tick,switch")).toThrow(/found "switch"/);
    expect(() => parseMatrix("tick:3")).toThrow(/found "tick:3"/);
  });
});

describe("progress line", () => {
  it("shows the bar, samples, elapsed of planned time, and the maximum so far", () => {
    expect(
      progressLine(
        { label: "tick", durationNs: 10e9 },
        { samples: 73521, elapsed_s: 5, max_ns: 4_081_000 },
        10,
      ),
    ).toBe("tick        [#####.....] 73,521 samples, 5.0 s / 10.0 s, max 4.08 ms");
    expect(
      progressLine({ label: "switch-2", samples: 1000 }, { samples: 250, elapsed_s: 75, max_ns: 900 }, 4),
    ).toBe("switch-2    [#...] 250 samples, 1m15s, max 900 ns");
  });

  it("a streamed run: the file and its estimated final size, the disk left, a writer falling behind", () => {
    const target = { label: "tick", durationNs: 100e9 };
    const base = { samples: 1e6, elapsed_s: 25, max_ns: 1000, written: 1e6, behind_limit: 4e6 };
    expect(progressLine(target, { ...base, behind: 0, bytes: 12 * 2 ** 20, disk_free: 2 ** 30 }, 4)).toBe(
      "tick        [#...] 1,000,000 samples, 25.0 s / 1m40s, max 1 µs, file 12 MiB of ~48 MiB, 1024 MiB free",
    );
    expect(
      progressLine(target, { ...base, behind: 3e6, bytes: 12 * 2 ** 20, disk_free: 20 * 2 ** 20 }, 4),
    ).toBe(
      "tick        [#...] 1,000,000 samples, 25.0 s / 1m40s, max 1 µs, file 12 MiB of ~48 MiB, 20 MiB free, " +
        "NOT ENOUGH DISK for the rest, WRITER BEHIND by 3,000,000 samples (the run stops at 4,000,000)",
    );
    // Held by the disk for over a second: behind, said so, however far from the ring's end.
    const held = { ...base, behind: 40_000, bytes: 12 * 2 ** 20, disk_free: 2 ** 30 };
    expect(progressLine(target, { ...held, writer_busy_ms: 2340 }, 4)).toBe(
      "tick        [#...] 1,000,000 samples, 25.0 s / 1m40s, max 1 µs, file 12 MiB of ~48 MiB, 1024 MiB free, " +
        "WRITER BEHIND by 40,000 samples (the run stops at 4,000,000), held by the disk for 2.3 s",
    );
    expect(progressLine(target, { ...held, writer_busy_ms: 400 }, 4)).toBe(
      "tick        [#...] 1,000,000 samples, 25.0 s / 1m40s, max 1 µs, file 12 MiB of ~48 MiB, 1024 MiB free",
    );
  });
});
